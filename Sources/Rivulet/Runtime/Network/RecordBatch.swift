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

/// An immutable batch of records handed from a producer task to a consumer task. Inside one
/// process records are not serialized (Flink serializes even there); the batch is the buffer.
public final class RecordBatch<T: Sendable>: Sendable, RecordCounting {
    public let records: [StreamRecord<T>]

    public var recordCount: Int { records.count }

    @inlinable
    public init(_ records: [StreamRecord<T>]) {
        self.records = records
    }
}

/// A batch whose record type is erased: its size, for the records-in metric.
public protocol RecordCounting {
    var recordCount: Int { get }
}
