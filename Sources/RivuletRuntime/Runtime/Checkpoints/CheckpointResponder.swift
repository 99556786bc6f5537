// How a task reports checkpoint progress to the checkpoint coordinator.

import RivuletCore

/// One subtask of a job vertex.
public struct ExecutionID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let vertex: Int
    public let subtask: Int

    public init(vertex: Int, subtask: Int) {
        self.vertex = vertex
        self.subtask = subtask
    }

    public static func < (a: ExecutionID, b: ExecutionID) -> Bool { (a.vertex, a.subtask) < (b.vertex, b.subtask) }
    public var description: String { "\(vertex).\(subtask)" }
}

/// The coordinator's side of the task <-> coordinator protocol (Flink's CheckpointResponder
/// plus the finished-input notice of the final-checkpoint handshake; the coordinator tells
/// tasks whether a completed checkpoint completes the job in `TaskControl.checkpointComplete`).
/// Called from task and upload threads.
@usableFromInline package protocol CheckpointResponder: Sendable {
    /// Where the task writes its state files.
    var storage: FileSystemCheckpointStorage { get }
    /// The subtask stored its state for `checkpointID`: handles by operator uid.
    func acknowledge(checkpointID: Int64, task: ExecutionID, states: [String: SubtaskStateHandle])
    /// The subtask could not take or store its snapshot.
    func decline(checkpointID: Int64, task: ExecutionID, reason: String)
    /// The subtask finished its input and waits for a checkpoint to complete before it ends
    /// (so that what it emitted last is committed exactly once).
    func taskFinished(_ task: ExecutionID)
}
