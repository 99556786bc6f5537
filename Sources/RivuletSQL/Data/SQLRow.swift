// One row as values: what crosses a keyed exchange (GROUP BY) and what aggregate state holds.

import RivuletCore

extension ScalarValue: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        switch self {
        case .null: writer.writeUInt8(0)
        case .bool(let b):
            writer.writeUInt8(1)
            writer.writeBool(b)
        case .int(let i):
            writer.writeUInt8(2)
            writer.writeVarInt(i)
        case .double(let d):
            writer.writeUInt8(3)
            writer.writeDouble(d)
        case .string(let s):
            writer.writeUInt8(4)
            writer.writeString(s)
        }
    }

    public init(from reader: inout BinaryReader) throws {
        switch try reader.readUInt8() {
        case 0: self = .null
        case 1: self = .bool(try reader.readBool())
        case 2: self = .int(try reader.readVarInt())
        case 3: self = .double(try reader.readDouble())
        case 4: self = .string(try reader.readString())
        case let tag: throw SerializationError.invalidValue("scalar value tag \(tag)")
        }
    }

    /// SQL ordering of two non-NULL values of one type (strings by their UTF-8 bytes).
    func less(than other: ScalarValue) -> Bool {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a < b
        case (.double(let a), .double(let b)): return a < b
        case (.string(let a), .string(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.bool(let a), .bool(let b)): return !a && b
        default: return false
        }
    }
}

/// A row as a list of values, with its changelog kind: the record of a keyed exchange.
public struct SQLRow: Sendable, Hashable, BinaryCodable {
    public var values: [ScalarValue]
    public var kind: RowKind

    public init(values: [ScalarValue], kind: RowKind = .insert) {
        self.values = values
        self.kind = kind
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeUInt8(kind.rawValue)
        values.encode(to: &writer)
    }

    public init(from reader: inout BinaryReader) throws {
        let raw = try reader.readUInt8()
        guard let kind = RowKind(rawValue: raw) else { throw SerializationError.invalidValue("row kind \(raw)") }
        self.kind = kind
        values = try [ScalarValue](from: &reader)
    }
}

/// The grouping key of a row (the values of its GROUP BY expressions).
public struct SQLKey: Sendable, Hashable, BinaryCodable {
    public var values: [ScalarValue]

    public init(_ values: [ScalarValue]) { self.values = values }

    public func encode(to writer: inout BinaryWriter) { values.encode(to: &writer) }
    public init(from reader: inout BinaryReader) throws { values = try [ScalarValue](from: &reader) }
}

extension RowBatch {
    /// Row `i` as values (ROW columns are not part of a keyed exchange).
    func row(_ i: Int) -> SQLRow {
        SQLRow(values: columns.map { $0.scalar(i) }, kind: kind(i))
    }

    /// A batch of `rows` whose columns have `types`.
    static func of(_ rows: [SQLRow], types: [SQLDataType]) -> RowBatch {
        of(rows, kinds: rows.map(\.kind), numbers: nil, types: types)
    }

    /// A batch of `rows` as rows of `kinds`, with `numbers` as a last BIGINT column when given
    /// (a Top-N's row numbers, without copying each row to append one).
    static func of(_ rows: [SQLRow], kinds: [RowKind], numbers: [Int64]?, types: [SQLDataType]) -> RowBatch {
        let width = numbers == nil ? types.count : types.count - 1
        var builders = types.prefix(width).map { ColumnBuilder($0.physicalKind ?? .int) }
        for row in rows {
            for c in 0..<width {
                switch row.values[c] {
                case .null: builders[c].appendNull()
                case .bool(let b): builders[c].append(bool: b)
                case .int(let x): builders[c].append(int: x)
                case .double(let d): builders[c].append(double: d)
                case .string(let s): builders[c].append(string: s)
                }
            }
        }
        var columns = builders.indices.map { builders[$0].finish(rows: rows.count) }
        if let numbers { columns.append(.ints(numbers)) }
        return RowBatch(columns: columns, count: rows.count, kinds: kinds.allSatisfy { $0 == .insert } ? nil : kinds)
    }
}
