// Drops every record (for benchmarks), counting them.

import Synchronization

/// Counts what a `DiscardSink` dropped, over all subtasks.
public final class DiscardCounter: Sendable {
    let total = Atomic<Int>(0)
    public init() {}
    public var count: Int { total.load(ordering: .relaxed) }
}

/// Discards records.
public struct DiscardSink<T: Sendable>: Sink {
    public let counter: DiscardCounter

    public init(counter: DiscardCounter = DiscardCounter()) {
        self.counter = counter
    }

    public func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        Writer(counter: counter)
    }

    /// Counts locally, adds to the shared counter on flush.
    public struct Writer: SinkWriter {
        let counter: DiscardCounter
        @usableFromInline var pending = 0

        @inlinable
        public mutating func write(_ value: T, timestamp: Int64) throws { pending &+= 1 }

        public mutating func flush() throws {
            counter.total.add(pending, ordering: .relaxed)
            pending = 0
        }
    }
}
