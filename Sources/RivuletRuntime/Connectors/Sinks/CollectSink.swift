// Collects every record into a shared array that a test or caller reads after the job.

import Synchronization

/// The records a `CollectSink` received, readable from any thread.
public final class CollectedValues<T: Sendable>: Sendable {
    let storage = Mutex<[T]>([])

    public init() {}

    /// Everything collected so far (subtasks in any order).
    public var values: [T] { storage.withLock { $0 } }

    func append(_ batch: [T]) {
        storage.withLock { $0.append(contentsOf: batch) }
    }
}

/// Appends records to a `CollectedValues` (for tests and small results).
public struct CollectSink<T: Sendable>: Sink {
    public let target: CollectedValues<T>

    public init(into target: CollectedValues<T>) {
        self.target = target
    }

    public func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        Writer(target: target)
    }

    /// Buffers locally, hands over on flush.
    public struct Writer: SinkWriter {
        let target: CollectedValues<T>
        var buffer: [T] = []

        public mutating func write(_ value: T, timestamp: Int64) throws {
            buffer.append(value)
            if buffer.count >= 4096 { try flush() }
        }

        public mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            target.append(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
