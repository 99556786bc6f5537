// The TaskExecutorGateway in one process: the JobManager calls the TaskExecutor directly.

import RivuletRuntime

/// Calls a TaskExecutor in the same process for one leader session, with the same fencing and
/// errors as over gRPC (local mode runs the cluster's components through it).
package struct LocalTaskExecutorGateway: TaskExecutorGateway {
    let executor: TaskExecutor
    let session: String

    package init(executor: TaskExecutor, session: String) {
        self.executor = executor
        self.session = session
    }

    package var resourceID: String { executor.resourceID }

    package func requestSlot(index: Int, allocationID: String, jobID: String) async throws {
        try executor.requestSlot(session: session, index: index, allocationID: allocationID, jobID: jobID)
    }

    package func freeSlot(allocationID: String, reason: String) async throws {
        try executor.freeSlot(session: session, allocationID: allocationID)
    }

    package func submitTask(allocationID: String, descriptor: TaskDescriptor) async throws {
        try executor.submitTask(session: session, allocationID: allocationID, descriptor: descriptor)
    }

    package func cancelTask(_ task: ExecutionAttemptID) async throws {
        try executor.cancelTask(session: session, task)
    }

    package func sendCheckpointControl(_ control: TaskControl, to task: ExecutionAttemptID) async throws {
        try executor.checkpointControl(session: session, control, jobID: task.jobID, attempt: task.attempt, executions: [task.execution])
    }

    package func disconnectJob(_ jobID: String, reason: String) async throws {
        try executor.disconnectJob(session: session, jobID: jobID, reason: reason)
    }

    package func requestLog(name: String?, maxBytes: Int64) async throws -> LogAnswer {
        try executor.requestLog(session: session, name: name, maxBytes: maxBytes)
    }

    package func close() {}
}
