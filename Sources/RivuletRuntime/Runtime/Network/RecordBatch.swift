// A batch of typed records with timestamps: the unit that travels between tasks in one process.

/// A record and its event timestamp (`StreamTime.noTimestamp` when it has none).
public struct StreamRecord<T> {
    public var value: T
    public var timestamp: Int64

    @inlinable
    public init(_ value: T, timestamp: Int64) {
        self.value = value
        self.timestamp = timestamp
    }
}

extension StreamRecord: Sendable where T: Sendable {}

/// A batch of records handed from a producer task to a consumer task. Inside one process
/// records are not serialized (Flink serializes even there); the batch is the buffer. Once the
/// consumer has processed it, `recycle()` returns its storage to the producer's pool.
///
/// `@unchecked Sendable`: `records` is written only by `recycle()`, which the one consumer
/// calls after its last read; the producer never touches a batch after pushing it, and the
/// inbox's lock orders the push before every read.
public final class RecordBatch<T: Sendable>: @unchecked Sendable, RecordCounting {
    public private(set) var records: [StreamRecord<T>]
    let pool: RecordBufferPool<T>?
    /// When the batch was handed over (or arrived from the network), on the monotonic clock.
    public let createdAtNanos: UInt64

    public var recordCount: Int { records.count }

    @usableFromInline package init(_ records: [StreamRecord<T>], pool: RecordBufferPool<T>? = nil) {
        self.records = records
        self.pool = pool
        createdAtNanos = MonotonicClock.nanos()
    }

    public func recycle() {
        pool?.give(&records)
    }
}

/// A batch whose record type is erased: its size, for the records-in metric, and the hand-back
/// of its storage once processed.
public protocol RecordCounting {
    var recordCount: Int { get }
    /// When the batch was handed over, on the monotonic clock (`MonotonicClock.nanos()`).
    var createdAtNanos: UInt64 { get }
    /// Returns the batch's storage to its producer (after the consumer's last read of it).
    func recycle()
}
