// The JobManager's gateways in one process: fencing, routing by job id, and the calls into the
// ResourceManager and the JobMasters. The gRPC services translate to these calls; local mode
// and tests call them directly.

import RivuletRuntime
import RivuletCore

/// The leading JobManager as its TaskManagers reach it, in-process: every call after
/// registration is checked against the leader session, and JobMaster calls are routed to the
/// job's JobMaster through the Dispatcher.
package struct LocalJobManagerGateway: JobManagerGateway {
    let resourceManager: ResourceManager
    let dispatcher: Dispatcher

    package init(resourceManager: ResourceManager, dispatcher: Dispatcher) {
        self.resourceManager = resourceManager
        self.dispatcher = dispatcher
    }

    var session: String { resourceManager.leaderSessionID }

    func fenced(_ received: String) throws {
        guard received == session else { throw GatewayError.fenced(received, expected: session) }
    }

    func master(_ jobID: String) throws -> JobMaster {
        do {
            return try dispatcher.job(jobID)
        } catch {
            throw GatewayError(.refused, "no job \(jobID) on this JobManager")
        }
    }

    // MARK: ResourceManagerGateway

    package func registerTaskExecutor(_ registration: TaskManagerRegistration) async throws -> RegistrationAccepted {
        try resourceManager.register(registration)
    }

    package func sendSlotReport(resourceID: String, slots: [SlotStatus], session: String) async throws {
        try fenced(session)
        resourceManager.slotReport(resourceID: resourceID, slots: slots)
    }

    package func heartbeat(resourceID: String, status: ProcessStatus?, session: String) async throws -> Bool {
        resourceManager.heartbeat(resourceID: resourceID, status: status, session: session)
    }

    package func close() {}

    // MARK: JobMasterGateway

    package func offerSlots(jobID: String, slots: [SlotStatus], session: String) async throws -> [String] {
        try fenced(session)
        return try master(jobID).offer(slots.compactMap(\.allocationID))
    }

    package func updateTaskExecutionState(_ update: TaskExecutionStateUpdate, session: String) async throws {
        try fenced(session)
        try master(update.task.jobID).taskStateChanged(update)
    }

    package func acknowledgeCheckpoint(
        task: ExecutionAttemptID, checkpointID: Int64, states: [String: SubtaskStateHandle],
        session: String
    ) async throws {
        try fenced(session)
        guard let coordinator = try master(task.jobID).coordinator(attempt: task.attempt) else { return }
        // The coordinator writes the checkpoint's metadata: blocking work, off the cooperative pool.
        try await runBlocking { coordinator.acknowledge(checkpointID: checkpointID, task: task.execution, states: states) }
    }

    package func declineCheckpoint(task: ExecutionAttemptID, checkpointID: Int64, reason: String, session: String) async throws {
        try fenced(session)
        guard let coordinator = try master(task.jobID).coordinator(attempt: task.attempt) else { return }
        try await runBlocking { coordinator.decline(checkpointID: checkpointID, task: task.execution, reason: reason) }
    }

    package func taskFinishedInput(task: ExecutionAttemptID, session: String) async throws {
        try fenced(session)
        try master(task.jobID).coordinator(attempt: task.attempt)?.taskFinished(task.execution)
    }

    package func heartbeat(jobID: String, resourceID: String, tasks: [TaskMetricsSample], session: String) async throws -> Bool {
        guard session == self.session, let job = try? dispatcher.job(jobID) else { return false }
        return job.heartbeat(resourceID: resourceID, tasks: tasks)
    }
}
