// A bounded source of the integers from...to, split into contiguous ranges per subtask.

/// Emits every integer in `from...to` (`env.fromSequence`).
public struct SequenceSource: Source {
    public let from: Int
    public let to: Int

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        let total = to >= from ? to - from + 1 : 0
        let start = from + total * subtaskIndex / parallelism
        let end = from + total * (subtaskIndex + 1) / parallelism
        return Reader(next: start, end: end)
    }

    /// Emits `next..<end`.
    public struct Reader: SourceReader {
        /// The next value to emit (its position, for checkpoints).
        public var next: Int
        @usableFromInline let end: Int

        @inlinable
        public mutating func pollNext(_ emit: (Int, Int64) throws -> Void) throws -> SourcePollResult {
            let stop = min(end, next + sourceRecordsPerPoll * 4)
            var v = next
            while v < stop {
                try emit(v, Int64.min)
                v += 1
            }
            next = v
            return next < end ? .moreAvailable : .endOfInput
        }
    }
}
