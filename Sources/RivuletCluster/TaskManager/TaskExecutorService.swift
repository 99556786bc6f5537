// The TaskExecutorGateway served by a TaskManager: every call is fenced by the leader session.

import RivuletRPC
import GRPCCore
import Rivulet
import RivuletCore

/// gRPC adapter of the TaskExecutor.
struct TaskExecutorService: Rivulet_Control_TaskExecutorGateway.SimpleServiceProtocol {
    let executor: TaskExecutor

    func requestSlot(request: Rivulet_Control_RequestSlotRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.requestSlot(request)
        return .init()
    }

    func submitTask(request: Rivulet_Control_SubmitTaskRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.submitTask(request)
        return .init()
    }

    func cancelTask(request: Rivulet_Control_TaskRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.cancelTask(request)
        return .init()
    }

    func triggerCheckpoint(request: Rivulet_Control_CheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        let barrier = CheckpointBarrier(checkpointID: request.checkpointID, timestamp: request.timestamp, isSavepoint: request.isSavepoint)
        try executor.checkpointControl(request, .triggerCheckpoint(barrier))
        return .init()
    }

    func notifyCheckpointComplete(request: Rivulet_Control_CheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.checkpointControl(request, .checkpointComplete(request.checkpointID, completesJob: request.completesJob))
        return .init()
    }

    func notifyCheckpointAborted(request: Rivulet_Control_CheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.checkpointControl(request, .checkpointAborted(request.checkpointID))
        return .init()
    }

    func freeSlot(request: Rivulet_Control_FreeSlotRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.freeSlot(request)
        return .init()
    }

    func disconnectJob(request: Rivulet_Control_DisconnectJobRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try executor.disconnectJob(request)
        return .init()
    }
}
