// A task's part in checkpoints: snapshots at aligned barriers, asynchronous upload, commits.

import Foundation
import RivuletCore

/// Checkpoint bookkeeping of one task (task-thread confined, except the upload queue).
final class TaskCheckpointing {
    let responder: any CheckpointResponder
    let task: ExecutionID
    /// Uploads run here, in order, while the task keeps processing.
    let uploads: DispatchQueue
    /// The newest checkpoint this task snapshotted.
    var lastSnapshot: Int64 = 0
    /// Set once the task finished its input and waits for a final checkpoint.
    var finished = false
    /// The first checkpoint snapshotted after finishing: its completion lets the task end.
    var finalCheckpoint: Int64?
    var finalCommitted = false

    init(responder: any CheckpointResponder, task: ExecutionID) {
        self.responder = responder
        self.task = task
        self.uploads = DispatchQueue(label: "rivulet.upload.\(task)")
    }
}

extension StreamTask {
    /// Runs a mail or a checkpoint control message.
    func handleMail(_ event: InboxEvent) throws {
        switch event {
        case .mail(let action):
            action()
        case .control(.triggerCheckpoint(let barrier)):
            try performCheckpoint(barrier)
        case .control(.checkpointComplete(let id, let completesJob)):
            try notifyComplete(id, completesJob: completesJob)
        case .control(.checkpointAborted(let id)):
            for context in contexts {
                for listener in context.checkpointListeners { listener.notifyCheckpointAborted(id) }
            }
        case .element, .timeout:
            break
        }
    }

    /// Carries out what the barrier aligner decided.
    func perform(_ actions: [BarrierAction]) throws {
        for action in actions {
            switch action {
            case .block(let channel): deployment.inbox.block(channel: channel)
            case .unblockAll: deployment.inbox.unblockAll()
            case .snapshot(let barrier): try performCheckpoint(barrier)
            case .abort: break
            }
        }
    }

    /// Takes the synchronous snapshot of every operator in the chain, forwards the barrier
    /// (unless the outputs already ended), and uploads the state in the background.
    func performCheckpoint(_ barrier: CheckpointBarrier) throws {
        guard let checkpointing, barrier.checkpointID > checkpointing.lastSnapshot else { return }
        let id = barrier.checkpointID
        checkpointing.lastSnapshot = id
        var snapshots: [(uid: String, snapshot: OperatorSnapshot, pending: PendingIncrementalSnapshot?)] = []
        do {
            for (op, context) in zip(operators, contexts) {
                do {
                    let (snapshot, pending) = try context.snapshotState(checkpointID: id, savepoint: barrier.isSavepoint)
                    snapshots.append((context.uid, snapshot, pending))
                } catch {
                    throw attributed(op.name, error)
                }
            }
        } catch {
            checkpointing.responder.decline(checkpointID: id, task: checkpointing.task, reason: "\(error)")
            if !checkpointing.finished { for writer in writers { try writer.broadcastEvent(.barrier(barrier)) } }
            return
        }
        if !checkpointing.finished {
            for writer in writers { try writer.broadcastEvent(.barrier(barrier)) }
        } else if checkpointing.finalCheckpoint == nil {
            checkpointing.finalCheckpoint = id
        }
        let responder = checkpointing.responder, task = checkpointing.task
        let subtask = deployment.subtaskIndex
        let captured = snapshots
        let ranges = Dictionary(contexts.map { ($0.uid, $0.keyGroupRange) }, uniquingKeysWith: { a, _ in a })
        checkpointing.uploads.async {
            do {
                var handles: [String: SubtaskStateHandle] = [:]
                for (uid, prepared, pending) in captured {
                    var snapshot = prepared
                    let fileName = StateFileNames.fileName(uid: uid, subtask: subtask)
                    var handle = SubtaskStateHandle(
                        subtaskIndex: subtask,
                        keyGroupRange: snapshot.keyed == nil && pending == nil ? nil : ranges[uid],
                        stateFile: nil, sharedFiles: [], localFiles: [:])
                    if let pending {
                        let incremental = try pending.upload(to: responder.storage, checkpointID: id, filePrefix: fileName)
                        snapshot.incremental = incremental
                        handle.sharedFiles = incremental.sharedFiles
                        handle.localFiles = incremental.files.filter { !$0.value.path.hasPrefix("shared/") }
                    }
                    if !snapshot.isEmpty {
                        let path = "chk-\(id)/\(fileName)"
                        handle.stateFile = try responder.storage.writeFile(snapshot.fileBytes(), relativePath: path)
                    }
                    handles[uid] = handle
                }
                responder.acknowledge(checkpointID: id, task: task, states: handles)
            } catch {
                responder.decline(checkpointID: id, task: task, reason: "\(error)")
            }
        }
    }

    /// Checkpoint `id` completed: listeners commit what they pre-committed.
    func notifyComplete(_ id: Int64, completesJob: Bool) throws {
        for (op, context) in zip(operators, contexts) {
            for listener in context.checkpointListeners {
                do { try listener.notifyCheckpointComplete(id) } catch { throw attributed(op.name, error) }
            }
        }
        if let checkpointing, let final = checkpointing.finalCheckpoint, id >= final, completesJob {
            checkpointing.finalCommitted = true
        }
    }

    /// With checkpointing, a finished task stays until a checkpoint taken after its last
    /// output completes, so sinks commit their last records exactly once, and until the job's
    /// final checkpoint completes: every checkpoint before it needs this task's acknowledgement.
    func awaitFinalCheckpoint() throws {
        guard let checkpointing else { return }
        checkpointing.finished = true
        checkpointing.responder.taskFinished(checkpointing.task)
        while !checkpointing.finalCommitted {
            try handleMail(try deployment.inbox.next(deadline: nil, readData: false))
        }
    }
}

/// Names of state files inside a checkpoint directory.
enum StateFileNames {
    /// `<uid with unsafe characters replaced>-<hash of uid>-<subtask>.state`.
    static func fileName(uid: String, subtask: Int) -> String {
        let safe = String(uid.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(60))
        let hash = String(MurmurHash3.hash32(Array(uid.utf8)), radix: 16)
        return "\(safe)-\(hash)-\(subtask).state"
    }
}
