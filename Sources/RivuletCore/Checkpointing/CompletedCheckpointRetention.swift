// Which completed checkpoints to keep (`state.checkpoints.num-retained`) and which are subsumed.

/// Keeps the ids of the newest `numRetained` completed checkpoints; adding one more returns the
/// ids it subsumes, which the caller discards (their private files, and their references in the
/// `SharedStateRegistry`). Pure: no I/O.
public struct CompletedCheckpointRetention: Sendable {
    /// How many completed checkpoints are kept, at least 1.
    public let numRetained: Int
    /// The retained checkpoint ids, ascending.
    public private(set) var retained: [Int64] = []

    /// Keeps the newest `numRetained` checkpoints. Values below 1 are clamped to 1 (the latest
    /// completed checkpoint is always kept: recovery needs it), so this never traps.
    public init(numRetained: Int) {
        self.numRetained = max(1, numRetained)
    }

    /// Adds completed checkpoint `id` and returns, oldest first, the ids now subsumed (to
    /// discard). Adding an id already retained returns `[]`. An id older than every retained
    /// one when the retention is full is returned itself: it is subsumed on arrival.
    public mutating func add(_ id: Int64) -> [Int64] {
        let index = retained.firstIndex { $0 >= id } ?? retained.count
        if index < retained.count && retained[index] == id { return [] }
        retained.insert(id, at: index)
        let excess = retained.count - numRetained
        guard excess > 0 else { return [] }
        let subsumed = Array(retained.prefix(excess))
        retained.removeFirst(excess)
        return subsumed
    }

    /// The newest retained checkpoint, the one to recover from.
    public var latest: Int64? { retained.last }
}
