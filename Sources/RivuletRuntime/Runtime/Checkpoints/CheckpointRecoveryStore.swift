// Where a job's checkpoint ids and completed checkpoints are recorded beyond the JobManager
// process (ZooKeeper in a high-availability cluster), so a new leader continues from them.

/// The durable record of one job's checkpoints (Flink's CheckpointIDCounter and
/// CompletedCheckpointStore as ZooKeeper keeps them). Calls block; the checkpoint coordinator
/// makes them from its own threads.
@usableFromInline package protocol CheckpointRecoveryStore: Sendable {
    /// Returns the next checkpoint id; every later call returns a larger one, in this process
    /// or in any later leader.
    func nextCheckpointID() throws -> Int64
    /// Records completed checkpoint `id`, whose `_metadata` is in `directory`.
    func addCheckpoint(_ id: Int64, directory: String) throws
    /// Forgets checkpoint `id` (subsumed); its files may be deleted once this returns.
    func removeCheckpoint(_ id: Int64) throws
}

/// A write to the checkpoint recovery store failed.
@usableFromInline package struct CheckpointStoreError: Error, CustomStringConvertible, Sendable {
    @usableFromInline package let description: String
    /// The write may have been applied (the connection broke before the answer): what it
    /// points to must be kept.
    @usableFromInline package let outcomeUnknown: Bool

    @usableFromInline package init(_ description: String, outcomeUnknown: Bool) {
        self.description = description
        self.outcomeUnknown = outcomeUnknown
    }
}
