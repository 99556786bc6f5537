// Operator parts that act at checkpoint time (Flink's CheckpointedFunction + CheckpointListener).

/// Called on the task's thread. Sources store their read positions in operator state at
/// `prepareSnapshot`; two-phase-commit sinks pre-commit there and commit on completion.
public protocol CheckpointListener: AnyObject {
    /// The barrier reached the operator: bring operator state up to date before it is captured.
    func prepareSnapshot(checkpointID: Int64) throws
    /// Every task acknowledged checkpoint `checkpointID` and its metadata is durable.
    func notifyCheckpointComplete(_ checkpointID: Int64) throws
    /// Checkpoint `checkpointID` will not complete.
    func notifyCheckpointAborted(_ checkpointID: Int64)
}

extension CheckpointListener {
    public func prepareSnapshot(checkpointID: Int64) throws {}
    public func notifyCheckpointComplete(_ checkpointID: Int64) throws {}
    public func notifyCheckpointAborted(_ checkpointID: Int64) {}
}
