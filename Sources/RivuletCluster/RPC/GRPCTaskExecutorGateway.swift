// The TaskExecutorGateway over gRPC: domain calls translated to the control plane's messages.

import GRPCCore
import RivuletRuntime
import RivuletRPC

/// Calls one TaskManager's gRPC TaskExecutorGateway for one leader session, each call with the
/// `rpc.timeout` deadline; gRPC failures become `GatewayError`s.
package struct GRPCTaskExecutorGateway: TaskExecutorGateway {
    package let resourceID: String
    let endpoint: RPCEndpoint
    let session: String
    let options: CallOptions

    package init(resourceID: String, host: String, port: Int, session: String, rpcTimeoutMillis: Int64, tls: InternalTLS? = nil) throws {
        self.resourceID = resourceID
        self.endpoint = try RPCEndpoint(
            host: host, port: port, key: "TaskManager \(resourceID)'s address (taskmanager.host)", security: tls?.clientSecurity ?? .plaintext)
        self.session = session
        self.options = RPCEndpoint.options(timeoutMillis: rpcTimeoutMillis)
    }

    private var client: Rivulet_Control_TaskExecutorGateway.Client<RPCEndpoint.Transport> { endpoint.taskExecutor }

    package func requestSlot(index: Int, allocationID: String, jobID: String) async throws {
        var request = Rivulet_Control_RequestSlotRequest()
        request.leaderSessionID = session
        request.slotIndex = Int32(index)
        request.allocationID = allocationID
        request.jobID = jobID
        try await translatingErrors { _ = try await client.requestSlot(request, options: options) }
    }

    package func freeSlot(allocationID: String, reason: String) async throws {
        var request = Rivulet_Control_FreeSlotRequest()
        request.leaderSessionID = session
        request.allocationID = allocationID
        request.reason = reason
        try await translatingErrors { _ = try await client.freeSlot(request, options: options) }
    }

    package func submitTask(allocationID: String, descriptor: TaskDescriptor) async throws {
        var request = Rivulet_Control_SubmitTaskRequest()
        request.leaderSessionID = session
        request.allocationID = allocationID
        request.execution = Rivulet_Control_ExecutionRef(
            ExecutionAttemptID(
                jobID: descriptor.jobID, attempt: descriptor.attempt,
                execution: ExecutionID(vertex: descriptor.vertex, subtask: descriptor.subtask)))
        do {
            request.descriptor = try descriptor.encoded()
        } catch {
            throw GatewayError(.invalidRequest, "cannot encode the task descriptor: \(error)")
        }
        let prepared = request
        try await translatingErrors { _ = try await client.submitTask(prepared, options: options) }
    }

    package func cancelTask(_ task: ExecutionAttemptID) async throws {
        var request = Rivulet_Control_TaskRequest()
        request.leaderSessionID = session
        request.execution = Rivulet_Control_ExecutionRef(task)
        try await translatingErrors { _ = try await client.cancelTask(request, options: options) }
    }

    package func sendCheckpointControl(_ control: TaskControl, to task: ExecutionAttemptID) async throws {
        var request = Rivulet_Control_CheckpointRequest()
        request.leaderSessionID = session
        request.jobID = task.jobID
        request.attempt = Int32(task.attempt)
        request.executions = [Rivulet_Control_ExecutionRef(task)]
        switch control {
        case .triggerCheckpoint(let barrier):
            request.checkpointID = barrier.checkpointID
            request.timestamp = barrier.timestamp
            request.isSavepoint = barrier.isSavepoint
            let prepared = request
            try await translatingErrors { _ = try await client.triggerCheckpoint(prepared, options: options) }
        case .checkpointComplete(let id, let completesJob):
            request.checkpointID = id
            request.completesJob = completesJob
            let prepared = request
            try await translatingErrors { _ = try await client.notifyCheckpointComplete(prepared, options: options) }
        case .checkpointAborted(let id):
            request.checkpointID = id
            let prepared = request
            try await translatingErrors { _ = try await client.notifyCheckpointAborted(prepared, options: options) }
        }
    }

    package func disconnectJob(_ jobID: String, reason: String) async throws {
        var request = Rivulet_Control_DisconnectJobRequest()
        request.leaderSessionID = session
        request.jobID = jobID
        request.reason = reason
        try await translatingErrors { _ = try await client.disconnectJob(request, options: options) }
    }

    package func requestLog(name: String?, maxBytes: Int64) async throws -> LogAnswer {
        var request = Rivulet_Control_LogRequest()
        request.leaderSessionID = session
        request.name = name ?? ""
        request.maxBytes = maxBytes
        let response = try await translatingErrors { try await client.requestLog(request, options: options) }
        return LogAnswer(
            files: response.files.map { LogFiles.File(name: $0.name, size: $0.size, mtime: $0.modifiedMillis) },
            content: response.found ? response.content : nil)
    }

    package func close() { endpoint.close() }
}
