// What the JobManager (ResourceManager and JobMasters) asks of one TaskManager.

import RivuletRuntime

/// A subtask of one run (attempt) of a job: what a TaskManager's task is addressed by.
package struct ExecutionAttemptID: Hashable, Sendable, CustomStringConvertible {
    package var jobID: String
    package var attempt: Int
    package var execution: ExecutionID

    package init(jobID: String, attempt: Int, execution: ExecutionID) {
        self.jobID = jobID
        self.attempt = attempt
        self.execution = execution
    }

    package var description: String { "\(execution) of run \(attempt) of job \(jobID)" }
}

/// The JobManager's view of one TaskManager (Flink's TaskExecutorGateway). A gateway is made
/// for one leader session and every call carries it: a TaskManager refuses a stale leader's
/// calls with `GatewayError.Kind.refused`. The gRPC adapter (`GRPCTaskExecutorGateway`) and
/// the in-process one (`LocalTaskExecutorGateway`) behave alike; tests use doubles.
package protocol TaskExecutorGateway: Sendable {
    /// The TaskManager's stable id.
    var resourceID: String { get }
    /// Gives slot `index` to `jobID` as `allocationID`; the TaskManager then offers it to the job's JobMaster.
    func requestSlot(index: Int, allocationID: String, jobID: String) async throws
    /// Frees a slot; when its job holds no other slot there, the job's tasks there are cancelled.
    func freeSlot(allocationID: String, reason: String) async throws
    /// Deploys one subtask into an allocated slot.
    func submitTask(allocationID: String, descriptor: TaskDescriptor) async throws
    /// Cancels one subtask.
    func cancelTask(_ task: ExecutionAttemptID) async throws
    /// Hands a checkpoint trigger, completion or abort to one subtask.
    func sendCheckpointControl(_ control: TaskControl, to task: ExecutionAttemptID) async throws
    /// Frees every slot of `jobID` (the job ended or moved to another leader).
    func disconnectJob(_ jobID: String, reason: String) async throws
    /// The TaskManager's log files, with the last `maxBytes` of the one named (if any).
    func requestLog(name: String?, maxBytes: Int64) async throws -> LogAnswer
    /// Releases the connection once calls in flight end.
    func close()
}
