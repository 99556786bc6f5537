// The in-band marker that divides a stream into the records before and after a checkpoint.

/// Checkpoint `checkpointID`'s barrier, injected by the sources and forwarded by every task
/// once it took its snapshot.
public struct CheckpointBarrier: Sendable, Hashable {
    public var checkpointID: Int64
    public var timestamp: Int64
    /// True for a savepoint: the snapshot must be self-contained.
    public var isSavepoint: Bool

    public init(checkpointID: Int64, timestamp: Int64, isSavepoint: Bool = false) {
        self.checkpointID = checkpointID
        self.timestamp = timestamp
        self.isSavepoint = isSavepoint
    }
}
