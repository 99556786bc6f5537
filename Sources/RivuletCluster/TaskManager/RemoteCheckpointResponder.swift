// The TaskManager's side of the checkpoint protocol: tasks write their state to the shared
// checkpoint directory themselves and report the handles to the JobMaster through its gateway.

import Foundation
import RivuletRuntime
import RivuletCore

/// Forwards a run's checkpoint acknowledgements, declines and finished-input notices to its
/// JobMaster, in order, without blocking task threads.
final class RemoteCheckpointResponder: CheckpointResponder {
    let storage: FileSystemCheckpointStorage
    let jobID: String
    let attempt: Int
    let connection: JobManagerConnection

    init(storage: FileSystemCheckpointStorage, jobID: String, attempt: Int, connection: JobManagerConnection) {
        self.storage = storage
        self.jobID = jobID
        self.attempt = attempt
        self.connection = connection
    }

    func task(_ execution: ExecutionID) -> ExecutionAttemptID {
        ExecutionAttemptID(jobID: jobID, attempt: attempt, execution: execution)
    }

    func acknowledge(checkpointID: Int64, task execution: ExecutionID, states: [String: SubtaskStateHandle]) {
        let task = self.task(execution)
        connection.send { gateway, session in
            do {
                try await gateway.acknowledgeCheckpoint(task: task, checkpointID: checkpointID, states: states, session: session)
            } catch let error as GatewayError where error.kind == .invalidRequest {
                // The handles could not be sent (they do not encode): the checkpoint cannot use them.
                try await gateway.declineCheckpoint(task: task, checkpointID: checkpointID, reason: "\(error)", session: session)
            }
        }
    }

    func decline(checkpointID: Int64, task execution: ExecutionID, reason: String) {
        let task = self.task(execution)
        connection.send { gateway, session in
            try await gateway.declineCheckpoint(task: task, checkpointID: checkpointID, reason: reason, session: session)
        }
    }

    func taskFinished(_ execution: ExecutionID) {
        let task = self.task(execution)
        connection.send { gateway, session in try await gateway.taskFinishedInput(task: task, session: session) }
    }
}
