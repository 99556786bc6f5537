// The record a SQL job's streams carry: a batch of rows stored column by column.

import RivuletCore

/// Rows in columns: `columns[c]` holds column c of every row. Operators work on whole
/// columns (a filter evaluates its predicate for every row in one loop, then gathers the
/// surviving rows), so the cost per row is a step of a loop over a primitive array.
public struct RowBatch: Sendable {
    public var columns: [ColumnVector]
    public var count: Int
    /// The change each row stands for; nil when every row is an insert (an append-only stream).
    public var kinds: [RowKind]?

    public init(columns: [ColumnVector], count: Int, kinds: [RowKind]? = nil) {
        self.columns = columns
        self.count = count
        self.kinds = kinds
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> RowBatch {
        RowBatch(columns: columns.map { $0.gather(indices) }, count: indices.count, kinds: kinds.map { k in indices.map { k[$0] } })
    }

    /// This batch with only the columns (and ROW fields) in `reads` kept, the others all
    /// NULL: what an operator does before it gathers rows, so it moves only what it reads.
    public func pruned(to reads: [Int: Set<Int>?]) -> RowBatch {
        var out = self
        for c in columns.indices {
            guard let fields = reads[c] else {
                out.columns[c] = .nulls(count)
                continue
            }
            if let fields, case .row(let children) = columns[c].storage {
                var kept = children
                for f in kept.indices where !fields.contains(f) { kept[f] = .nulls(count) }
                out.columns[c].storage = .row(kept)
            }
        }
        return out
    }

    /// The kind of row `i`.
    @inlinable public func kind(_ i: Int) -> RowKind { kinds?[i] ?? .insert }

    /// The largest value of an `int` column (an event-time attribute), or `Int64.min`.
    public func maxInt(column: Int) -> Int64 {
        guard case .int(let values) = columns[column].storage else { return Int64.min }
        var m = Int64.min
        if let valid = columns[column].validity {
            for i in 0..<count where valid[i] && values[i] > m { m = values[i] }
        } else {
            for v in values where v > m { m = v }
        }
        return m
    }
}

extension RowBatch: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(count))
        writer.writeVarUInt(UInt64(columns.count))
        for c in columns { c.encode(to: &writer) }
        if let kinds {
            writer.writeBool(true)
            for k in kinds { writer.writeUInt8(k.rawValue) }
        } else {
            writer.writeBool(false)
        }
    }

    public init(from reader: inout BinaryReader) throws {
        let n = try reader.readCount("rows")
        let c = try reader.readCount("columns")
        let columns = try (0..<c).map { _ in try ColumnVector(from: &reader) }
        var kinds: [RowKind]?
        if try reader.readBool() {
            kinds = try (0..<n).map { _ in
                let raw = try reader.readUInt8()
                guard let k = RowKind(rawValue: raw) else { throw SerializationError.invalidValue("row kind \(raw)") }
                return k
            }
        }
        self.init(columns: columns, count: n, kinds: kinds)
    }
}
