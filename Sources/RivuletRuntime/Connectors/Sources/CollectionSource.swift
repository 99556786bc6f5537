// A bounded source over an in-memory array; element i goes to subtask i % parallelism.

/// Emits the elements of an array (`env.fromCollection`).
public struct CollectionSource<T: Sendable>: Source {
    public let elements: [T]

    public init(_ elements: [T]) {
        self.elements = elements
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        Reader(elements: elements, splits: [StrideSplit(next: Int64(subtaskIndex), step: Int64(parallelism), end: Int64(elements.count))])
    }

    /// Reads every `step`-th element starting at the subtask index.
    public struct Reader: SourceReader {
        let elements: [T]
        /// The element indices still to emit (their progress, for checkpoints).
        var splits: [StrideSplit]

        public mutating func pollNext(_ emit: (T, Int64) throws -> Void) throws -> SourcePollResult {
            var emitted = 0
            while emitted < sourceRecordsPerPoll, let split = splits.first {
                guard !split.isFinished, split.next < Int64(elements.count) else { splits.removeFirst(); continue }
                try emit(elements[Int(split.next)], Int64.min)
                splits[0].next += split.step
                emitted += 1
            }
            splits.removeAll { $0.isFinished }
            return splits.isEmpty ? .endOfInput : .moreAvailable
        }

        public func currentSplits() -> [StrideSplit]? { splits.filter { !$0.isFinished } }

        public mutating func restore(splits: [StrideSplit]) throws { self.splits = splits }
    }
}
