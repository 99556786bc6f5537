// A bounded source over an in-memory array; element i goes to subtask i % parallelism.

/// Emits the elements of an array (`env.fromCollection`).
public struct CollectionSource<T: Sendable>: Source {
    public let elements: [T]

    public init(_ elements: [T]) {
        self.elements = elements
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        Reader(elements: elements, next: subtaskIndex, step: parallelism)
    }

    /// Reads every `step`-th element starting at the subtask index.
    public struct Reader: SourceReader {
        let elements: [T]
        /// Index of the next element to emit (its position, for checkpoints).
        public private(set) var next: Int
        let step: Int

        public mutating func pollNext(_ emit: (T, Int64) throws -> Void) throws -> SourcePollResult {
            var emitted = 0
            while next < elements.count && emitted < sourceRecordsPerPoll {
                try emit(elements[next], Int64.min)
                next += step
                emitted += 1
            }
            return next < elements.count ? .moreAvailable : .endOfInput
        }
    }
}
