// One column of a row batch: a typed array of values and which rows are NULL.

import RivuletCore

/// The values of one column of a `RowBatch`: one primitive array for all rows, plus a
/// validity array when some row is NULL. The SQL type (which says, for example, that an
/// `int` column holds DECIMAL(10, 2) as hundredths or a TIMESTAMP as epoch milliseconds) is
/// the plan's, not the vector's.
public struct ColumnVector: Sendable {
    /// How the values are stored.
    public enum Storage: Sendable {
        case bool([Bool])
        /// Every integer type, DECIMAL (unscaled), TIMESTAMP (epoch milliseconds), INTERVAL (ms).
        case int([Int64])
        case double([Double])
        case string([String])
        /// A ROW: one vector per field.
        case row([ColumnVector])
        /// Every row is NULL: a column no operator reads, or a NULL literal.
        case null
    }

    public var storage: Storage
    /// `false` where the row is NULL; nil when no row is.
    public var validity: [Bool]?
    public var count: Int

    public init(_ storage: Storage, validity: [Bool]? = nil, count: Int) {
        self.storage = storage
        self.validity = validity
        self.count = count
    }

    @inlinable public static func ints(_ values: [Int64], validity: [Bool]? = nil) -> ColumnVector {
        ColumnVector(.int(values), validity: validity, count: values.count)
    }
    @inlinable public static func doubles(_ values: [Double], validity: [Bool]? = nil) -> ColumnVector {
        ColumnVector(.double(values), validity: validity, count: values.count)
    }
    @inlinable public static func bools(_ values: [Bool], validity: [Bool]? = nil) -> ColumnVector {
        ColumnVector(.bool(values), validity: validity, count: values.count)
    }
    @inlinable public static func strings(_ values: [String], validity: [Bool]? = nil) -> ColumnVector {
        ColumnVector(.string(values), validity: validity, count: values.count)
    }
    public static func nulls(_ count: Int) -> ColumnVector { ColumnVector(.null, count: count) }

    /// Whether row `i` is NULL.
    @inlinable public func isNull(_ i: Int) -> Bool {
        if case .null = storage { return true }
        return validity.map { !$0[i] } ?? false
    }

    /// The rows at `indices`, in that order.
    public func gather(_ indices: [Int]) -> ColumnVector {
        let valid = validity.map { v in indices.map { v[$0] } }
        switch storage {
        case .bool(let a): return ColumnVector(.bool(indices.map { a[$0] }), validity: valid, count: indices.count)
        case .int(let a): return ColumnVector(.int(indices.map { a[$0] }), validity: valid, count: indices.count)
        case .double(let a): return ColumnVector(.double(indices.map { a[$0] }), validity: valid, count: indices.count)
        case .string(let a): return ColumnVector(.string(indices.map { a[$0] }), validity: valid, count: indices.count)
        case .row(let fields): return ColumnVector(.row(fields.map { $0.gather(indices) }), validity: valid, count: indices.count)
        case .null: return .nulls(indices.count)
        }
    }
}

extension ColumnVector.Storage {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension ColumnVector: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(count))
        if let validity {
            writer.writeBool(true)
            for v in validity { writer.writeBool(v) }
        } else {
            writer.writeBool(false)
        }
        switch storage {
        case .bool(let a):
            writer.writeUInt8(0)
            for v in a { writer.writeBool(v) }
        case .int(let a):
            writer.writeUInt8(1)
            for v in a { writer.writeVarInt(v) }
        case .double(let a):
            writer.writeUInt8(2)
            for v in a { writer.writeDouble(v) }
        case .string(let a):
            writer.writeUInt8(3)
            for v in a { writer.writeString(v) }
        case .row(let fields):
            writer.writeUInt8(4)
            writer.writeVarUInt(UInt64(fields.count))
            for f in fields { f.encode(to: &writer) }
        case .null:
            writer.writeUInt8(5)
        }
    }

    public init(from reader: inout BinaryReader) throws {
        let n = try reader.readCount("rows")
        var validity: [Bool]?
        if try reader.readBool() {
            var v = [Bool]()
            v.reserveCapacity(n)
            for _ in 0..<n { v.append(try reader.readBool()) }
            validity = v
        }
        let tag = try reader.readUInt8()
        let storage: Storage
        switch tag {
        case 0: storage = .bool(try (0..<n).map { _ in try reader.readBool() })
        case 1: storage = .int(try (0..<n).map { _ in try reader.readVarInt() })
        case 2: storage = .double(try (0..<n).map { _ in try reader.readDouble() })
        case 3: storage = .string(try (0..<n).map { _ in try reader.readString() })
        case 4:
            let fields = try reader.readCount("fields")
            storage = .row(try (0..<fields).map { _ in try ColumnVector(from: &reader) })
        case 5: storage = .null
        default: throw SerializationError.invalidValue("column storage tag \(tag)")
        }
        self.init(storage, validity: validity, count: n)
    }
}
