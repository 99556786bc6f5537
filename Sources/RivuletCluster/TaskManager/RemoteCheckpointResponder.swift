// The TaskManager's side of the checkpoint protocol: tasks write their state to the shared
// checkpoint directory themselves and report the handles to the JobMaster over RPC.

import RivuletRPC
import Foundation
import Rivulet
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

    func ref(_ task: ExecutionID) -> Rivulet_Control_ExecutionRef {
        Rivulet_Control_ExecutionRef(jobID: jobID, attempt: attempt, vertex: task.vertex, subtask: task.subtask)
    }

    func acknowledge(checkpointID: Int64, task: ExecutionID, states: [String: SubtaskStateHandle]) {
        var request = Rivulet_Control_AcknowledgeCheckpointRequest()
        request.execution = ref(task)
        request.checkpointID = checkpointID
        do {
            request.stateHandles = Data(try encodeCodable(states))
        } catch {
            decline(checkpointID: checkpointID, task: task, reason: "cannot encode state handles: \(error)")
            return
        }
        let prepared = request
        connection.send { endpoint, session, options in
            var request = prepared
            request.leaderSessionID = session
            _ = try await endpoint.jobMaster.acknowledgeCheckpoint(request, options: options)
        }
    }

    func decline(checkpointID: Int64, task: ExecutionID, reason: String) {
        var request = Rivulet_Control_DeclineCheckpointRequest()
        request.execution = ref(task)
        request.checkpointID = checkpointID
        request.reason = reason
        let prepared = request
        connection.send { endpoint, session, options in
            var request = prepared
            request.leaderSessionID = session
            _ = try await endpoint.jobMaster.declineCheckpoint(request, options: options)
        }
    }

    func taskFinished(_ task: ExecutionID) {
        var request = Rivulet_Control_TaskFinishedInputRequest()
        request.execution = ref(task)
        let prepared = request
        connection.send { endpoint, session, options in
            var request = prepared
            request.leaderSessionID = session
            _ = try await endpoint.jobMaster.taskFinishedInput(request, options: options)
        }
    }
}
