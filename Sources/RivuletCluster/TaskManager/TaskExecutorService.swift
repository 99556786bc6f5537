// The TaskExecutorGateway served by a TaskManager over gRPC: messages translated to the TaskExecutor's domain calls.

import GRPCCore
import RivuletRuntime
import RivuletCore
import RivuletRPC

/// gRPC adapter of the TaskExecutor; every call is fenced by the leader session it carries.
struct TaskExecutorService: Rivulet_Control_TaskExecutorGateway.SimpleServiceProtocol {
    let executor: TaskExecutor

    func requestSlot(request: Rivulet_Control_RequestSlotRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering {
            try executor.requestSlot(
                session: request.leaderSessionID, index: Int(request.slotIndex), allocationID: request.allocationID,
                jobID: request.jobID)
            return .init()
        }
    }

    func submitTask(request: Rivulet_Control_SubmitTaskRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering {
            let descriptor: TaskDescriptor
            do {
                descriptor = try TaskDescriptor.decode(request.descriptor)
            } catch {
                throw GatewayError(.invalidRequest, "cannot read the task descriptor: \(error)")
            }
            try executor.submitTask(session: request.leaderSessionID, allocationID: request.allocationID, descriptor: descriptor)
            return .init()
        }
    }

    func cancelTask(request: Rivulet_Control_TaskRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering {
            try executor.cancelTask(session: request.leaderSessionID, ExecutionAttemptID(request.execution))
            return .init()
        }
    }

    func triggerCheckpoint(request: Rivulet_Control_CheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        let barrier = CheckpointBarrier(checkpointID: request.checkpointID, timestamp: request.timestamp, isSavepoint: request.isSavepoint)
        return try await control(request, .triggerCheckpoint(barrier))
    }

    func notifyCheckpointComplete(request: Rivulet_Control_CheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await control(request, .checkpointComplete(request.checkpointID, completesJob: request.completesJob))
    }

    func notifyCheckpointAborted(request: Rivulet_Control_CheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await control(request, .checkpointAborted(request.checkpointID))
    }

    func freeSlot(request: Rivulet_Control_FreeSlotRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering {
            try executor.freeSlot(session: request.leaderSessionID, allocationID: request.allocationID)
            return .init()
        }
    }

    func disconnectJob(request: Rivulet_Control_DisconnectJobRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering {
            try executor.disconnectJob(session: request.leaderSessionID, jobID: request.jobID, reason: request.reason)
            return .init()
        }
    }

    func requestLog(request: Rivulet_Control_LogRequest, context: ServerContext) async throws -> Rivulet_Control_LogResponse {
        try await answering {
            let answer = try executor.requestLog(
                session: request.leaderSessionID, name: request.name.isEmpty ? nil : request.name, maxBytes: request.maxBytes)
            var response = Rivulet_Control_LogResponse()
            response.files = answer.files.map { file in
                var f = Rivulet_Control_LogFile()
                f.name = file.name
                f.size = file.size
                f.modifiedMillis = file.mtime
                return f
            }
            if let content = answer.content {
                response.content = content
                response.found = true
            }
            return response
        }
    }

    private func control(_ request: Rivulet_Control_CheckpointRequest, _ control: TaskControl) async throws -> Rivulet_Control_Ack {
        try await answering {
            let executions = request.executions.isEmpty ? nil : request.executions.map { ExecutionAttemptID($0).execution }
            try executor.checkpointControl(
                session: request.leaderSessionID, control, jobID: request.jobID, attempt: Int(request.attempt),
                executions: executions)
            return .init()
        }
    }
}
