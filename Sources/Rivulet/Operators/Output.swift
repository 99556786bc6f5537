// Where an operator sends its results: the next chained operator or the task's writers.

import RivuletCore

/// The typed output of an operator: records, watermarks, watermark status and side outputs.
/// Built once per task from the chain; each closure is specialised for its record type.
public struct Output<T> {
    /// Emits a record with its timestamp (`StreamTime.noTimestamp` for none).
    public let record: (T, Int64) throws -> Void
    public let watermark: (Int64) throws -> Void
    public let status: (WatermarkStatus) throws -> Void
    /// Emits to the side output with this tag id; the value must be of the tag's type.
    public let side: (String, Any, Int64) throws -> Void

    @inlinable
    public init(record: @escaping (T, Int64) throws -> Void,
                watermark: @escaping (Int64) throws -> Void,
                status: @escaping (WatermarkStatus) throws -> Void,
                side: @escaping (String, Any, Int64) throws -> Void) {
        self.record = record
        self.watermark = watermark
        self.status = status
        self.side = side
    }
}

/// The collector handed to user functions: emits with the timestamp of the current input.
public final class Collector<T> {
    @usableFromInline let output: Output<T>
    @usableFromInline var timestamp: Int64 = StreamTime.noTimestamp

    @inlinable
    public init(_ output: Output<T>) {
        self.output = output
    }

    /// Emits `value` downstream.
    @inlinable
    public func collect(_ value: T) throws {
        try output.record(value, timestamp)
    }

    /// Emits `value` to a side output.
    @inlinable
    public func output<X>(_ tag: OutputTag<X>, _ value: X) throws {
        try output.side(tag.id, value, timestamp)
    }
}

/// Names a side output and its type.
public struct OutputTag<T: Sendable>: Sendable, Hashable {
    /// Unique id of the side output within the job.
    public let id: String

    public init(_ id: String) {
        self.id = id
    }
}
