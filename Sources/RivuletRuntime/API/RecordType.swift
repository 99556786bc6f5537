// Type-erased operations on one record type, created where the type is concrete.

import RivuletCore

/// How the task wires an edge for a record type it cannot name: writers, outputs and side
/// outputs. Every closure is created in `init(_:)`, which callers reach from generic API code
/// specialised for `T`, so the closures it returns run specialised code.
public struct RecordType: Sendable {
    /// The Swift type name, for errors.
    public let name: String
    /// Builds a writer; returns its record entry and its control.
    @usableFromInline let makeWriter: @Sendable (WriterSpec) throws -> (RecordInput, RecordWriterControl)
    /// Builds an `Output<T>` from the consumers of an operator's output.
    @usableFromInline let makeOutput: @Sendable (OutputParts) throws -> Any
    /// Turns typed side-output consumers into one erased entry.
    @usableFromInline let makeSide: @Sendable ([RecordInput]) throws -> (Any, Int64) throws -> Void
    /// The wire form, when the type is `BinaryCodable` (needed when records cross TaskManagers).
    @usableFromInline package let codec: RecordCodec?

    @inlinable
    public init<T: Sendable>(_ type: T.Type) {
        let name = "\(T.self)"
        self.name = name
        codec = RecordCodec.lookup(T.self)
        makeWriter = { spec in
            var select: ((T) -> Int)?
            // With one consumer channel every record goes to it: no key group to compute.
            if spec.partitioning == .hash && spec.targets.count > 1 {
                guard let keyGroupOf = spec.keyGroupOf as? @Sendable (T) -> Int else {
                    throw RuntimeInvariantError("hash edge without a key selector for \(name)")
                }
                let maxP = spec.maxParallelism, p = spec.targets.count
                select = { KeyGroupRangeAssignment.operatorIndex(forKeyGroup: keyGroupOf($0), maxParallelism: maxP, parallelism: p) }
            }
            let writer = RecordWriter<T>(
                targets: spec.targets, partitioning: spec.partitioning, batchSize: spec.batchSize,
                selectChannel: select, producerIndex: spec.producerIndex, metrics: spec.metrics)
            return (RecordInput(recordEntry(T.self) { try writer.emit($0, timestamp: $1) }), writer)
        }
        makeOutput = { parts in
            let records = parts.records
            let record: RecordEntry
            switch records.count {
            case 0: record = { _, _ in }
            case 1: record = records[0].call
            case 2:
                let a = records[0].call, b = records[1].call
                record = {
                    try a($0, $1); try b($0, $1)
                }
            default: record = { v, t in for f in records { try f.call(v, t) } }
            }
            let watermarks = parts.watermarks, statuses = parts.statuses, sides = parts.sides
            let output = Output<T>(
                recordEntry: record,
                watermark: watermarks.count == 1 ? watermarks[0] : { w in for f in watermarks { try f(w) } },
                status: { s in for f in statuses { try f(s) } },
                side: { tag, value, t in if let f = sides[tag] { try f(value, t) } })
            return output
        }
        makeSide = { entries in
            { value, t in
                guard let v = value as? T else {
                    throw RuntimeInvariantError("side output value is not of type \(name)")
                }
                try withUnsafePointer(to: v) { p in for f in entries { try f.call(UnsafeRawPointer(p), t) } }
            }
        }
    }
}

/// What a writer needs: where to send, how to partition, and the key-group function for hash.
@usableFromInline package struct WriterSpec {
    @usableFromInline package var targets: [ChannelTarget]
    @usableFromInline package var partitioning: Partitioning
    @usableFromInline package var batchSize: Int
    /// `@Sendable (T) -> Int` key group of a record, for hash edges.
    @usableFromInline package var keyGroupOf: (any Sendable)?
    @usableFromInline package var maxParallelism: Int
    @usableFromInline package var producerIndex: Int
    @usableFromInline package var metrics: TaskIOMetrics
}

/// The consumers of one operator's output, gathered by the task before building it.
@usableFromInline package struct OutputParts {
    @usableFromInline package var records: [RecordInput] = []
    @usableFromInline package var watermarks: [(Int64) throws -> Void] = []
    @usableFromInline package var statuses: [(WatermarkStatus) throws -> Void] = []
    @usableFromInline package var sides: [String: (Any, Int64) throws -> Void] = [:]
}
