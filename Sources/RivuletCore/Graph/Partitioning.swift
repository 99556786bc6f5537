// How records of one edge are distributed over the consumer's parallel subtasks.

/// The partitioner of an edge between two operators, as in Flink's `StreamPartitioner`s.
public enum Partitioning: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Subtask i sends to subtask i; needs equal parallelism; the only chainable kind.
    case forward
    /// Round-robin over all consumer subtasks.
    case rebalance
    /// By key group of the record's key (after `keyBy`).
    case hash
    /// Every record to every consumer subtask.
    case broadcast

    public var description: String { rawValue.uppercased() }

    /// True when producer subtask `producer` sends to consumer subtask `consumer`.
    public func connects(producer: Int, consumer: Int) -> Bool {
        self == .forward ? producer == consumer : true
    }
}
