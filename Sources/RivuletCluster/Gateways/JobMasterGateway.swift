// What a TaskManager asks of the JobMasters of the leading JobManager.

import RivuletRuntime
import RivuletCore

/// The JobMasters as a TaskManager reaches them, routed by job id (Flink's JobMasterGateway).
/// Every call carries the leader session the TaskManager registered under.
package protocol JobMasterGateway: Sendable {
    /// Offers slots the ResourceManager gave to `jobID`; answers the allocation ids the job took.
    func offerSlots(jobID: String, slots: [SlotStatus], session: String) async throws -> [String]
    /// A task changed state.
    func updateTaskExecutionState(_ update: TaskExecutionStateUpdate, session: String) async throws
    /// A task wrote its part of a checkpoint: the handles of its state, by operator uid.
    func acknowledgeCheckpoint(
        task: ExecutionAttemptID, checkpointID: Int64, states: [String: SubtaskStateHandle],
        session: String) async throws
    /// A task could not take its part of a checkpoint.
    func declineCheckpoint(task: ExecutionAttemptID, checkpointID: Int64, reason: String, session: String) async throws
    /// A task read all its input (later checkpoints go on without it).
    func taskFinishedInput(task: ExecutionAttemptID, session: String) async throws
    /// The TaskManager's heartbeat to one job with its tasks' metrics; false when the job does
    /// not know the TaskManager (or is not here).
    func heartbeat(jobID: String, resourceID: String, tasks: [TaskMetricsSample], session: String) async throws -> Bool
}
