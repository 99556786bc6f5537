// A JobManager double: a TaskExecutor runs in-process against it, with real tasks and a real
// data plane.

import RivuletCluster
import RivuletCore
import RivuletRuntime
import Synchronization

/// A JobManager double: accepts registrations under one session and records what TaskManagers tell it.
package final class JobManagerDouble: JobManagerGateway {
    package let session: String
    package let registrations = Mutex<[TaskManagerRegistration]>([])
    package let slotReports = Mutex<[[SlotStatus]]>([])
    package let offers = Mutex<[(jobID: String, slots: [SlotStatus])]>([])
    package let updates = Mutex<[TaskExecutionStateUpdate]>([])

    package init(session: String) { self.session = session }

    package func registerTaskExecutor(_ registration: TaskManagerRegistration) async throws -> RegistrationAccepted {
        registrations.withLock { $0.append(registration) }
        return RegistrationAccepted(leaderSessionID: session, heartbeatIntervalMillis: 100, heartbeatTimeoutMillis: 10_000)
    }

    package func sendSlotReport(resourceID: String, slots: [SlotStatus], session: String) async throws {
        slotReports.withLock { $0.append(slots) }
    }

    package func heartbeat(resourceID: String, status: ProcessStatus?, session: String) async throws -> Bool { true }

    package func close() {}

    package func offerSlots(jobID: String, slots: [SlotStatus], session: String) async throws -> [String] {
        offers.withLock { $0.append((jobID, slots)) }
        return slots.compactMap(\.allocationID)
    }

    package func updateTaskExecutionState(_ update: TaskExecutionStateUpdate, session: String) async throws {
        updates.withLock { $0.append(update) }
    }

    package func acknowledgeCheckpoint(
        task: ExecutionAttemptID, checkpointID: Int64, states: [String: SubtaskStateHandle],
        session: String
    ) async throws {}

    package func declineCheckpoint(task: ExecutionAttemptID, checkpointID: Int64, reason: String, session: String) async throws {}

    package func taskFinishedInput(task: ExecutionAttemptID, session: String) async throws {}

    package func heartbeat(jobID: String, resourceID: String, tasks: [TaskMetricsSample], session: String) async throws -> Bool { true }
}
