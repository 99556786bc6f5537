// Where an operator sends its results: the next chained operator or the task's writers.

import RivuletCore

/// The entry of a record into an operator or writer: a pointer to a value of the record type
/// and its timestamp. It is not generic on purpose: a closure of a generic function type
/// stored in a generic struct is called through reabstraction thunks on both sides, which
/// cost more than the operators themselves. The chain builder checks that record types match.
public typealias RecordEntry = (UnsafeRawPointer, Int64) throws -> Void

/// A record entry in a box. Arrays (and `Any`) hold closures at maximal abstraction and add
/// conversion thunks on the way in and out; a final class field holds the closure as it is.
public final class RecordInput {
    public let call: RecordEntry

    @inlinable
    public init(_ call: @escaping RecordEntry) {
        self.call = call
    }
}

/// Wraps a typed record handler as a `RecordEntry` (call where `T` is concrete).
@inlinable
public func recordEntry<T>(_ type: T.Type, _ handler: @escaping (T, Int64) throws -> Void) -> RecordEntry {
    { pointer, timestamp in try handler(pointer.assumingMemoryBound(to: T.self).pointee, timestamp) }
}

/// The typed output of an operator: records, watermarks, watermark status and side outputs.
/// Built once per task from the chain.
public struct Output<T> {
    /// The next operator's (or writer's) record entry.
    public let recordEntry: RecordEntry
    public let watermark: (Int64) throws -> Void
    public let status: (WatermarkStatus) throws -> Void
    /// Emits to the side output with this tag id; the value must be of the tag's type.
    public let side: (String, Any, Int64) throws -> Void

    @inlinable
    public init(
        recordEntry: @escaping RecordEntry,
        watermark: @escaping (Int64) throws -> Void,
        status: @escaping (WatermarkStatus) throws -> Void,
        side: @escaping (String, Any, Int64) throws -> Void
    ) {
        self.recordEntry = recordEntry
        self.watermark = watermark
        self.status = status
        self.side = side
    }

    /// Emits a record with its timestamp (`StreamTime.noTimestamp` for none).
    @inlinable
    public func record(_ value: T, _ timestamp: Int64) throws {
        try withUnsafePointer(to: value) { try recordEntry(UnsafeRawPointer($0), timestamp) }
    }
}

/// The collector handed to user functions: emits with the timestamp of the current input.
public final class Collector<T> {
    @usableFromInline let output: Output<T>
    @exclusivity(unchecked) @usableFromInline var timestamp: Int64 = StreamTime.noTimestamp

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
