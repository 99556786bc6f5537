// Encodes any Encodable value into Rivulet's binary format (the derived path for user types).
//
// Format: a keyed container is a varint entry count, then per entry the key string and the
// value as a "marked" byte run (varint marker: 0 = nil, n + 1 = n bytes follow). An unkeyed
// container is a varint count and marked elements. A single-value container is a tag byte
// (0 = nil, 1 = value) and the value. Values whose type is BinaryCodable (Int, String, [Int],
// nested BinaryCodable structs, ...) are written in their BinaryCodable encoding; other values
// are written as the contents of a nested encoder. An encoder that was asked for no container
// writes an empty keyed container.

/// Encodes `value` through its `Encodable` conformance and appends the bytes to `writer`.
/// Throws whatever the value's `encode(to:)` throws.
public func encodeCodable<T: Encodable>(_ value: T, to writer: inout BinaryWriter) throws {
    let encoder = BinaryEncoder(codingPath: [])
    try value.encode(to: encoder)
    encoder.writeContents(into: &writer)
}

/// Encodes `value` through its `Encodable` conformance into a new byte array.
public func encodeCodable<T: Encodable>(_ value: T) throws -> [UInt8] {
    var writer = BinaryWriter()
    try encodeCodable(value, to: &writer)
    return writer.bytes
}

extension BinaryCodable where Self: Codable {
    /// Encodes through the derived Codable path. A throwing `Encodable.encode(to:)` is a
    /// programming error here (BinaryCodable encoding cannot fail) and stops the process.
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        do {
            try encodeCodable(self, to: &writer)
        } catch {
            preconditionFailure("BinaryCodable encoding of \(Self.self) failed in its Encodable conformance: \(error)")
        }
    }

    /// Decodes through the derived Codable path.
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        self = try decodeCodable(Self.self, from: &reader)
    }
}

/// The `Encoder` behind `encodeCodable`: one per value, holding that value's container.
final class BinaryEncoder: Encoder {
    /// Which container the value asked for.
    enum Kind { case none, keyed, unkeyed, single }

    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var kind: Kind = .none
    /// Entries (keyed) or elements (unkeyed) written so far.
    var count = 0
    /// The finished part of the container's contents (without the leading count).
    var buffer = BinaryWriter()
    /// Nested containers handed out but possibly still being written; spliced in at `offset`.
    var pending: [(offset: Int, child: BinaryEncoder)] = []

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    /// Switches to `wanted`, or stops on a type asking for two kinds of container.
    func claim(_ wanted: Kind) {
        if kind == .none {
            kind = wanted
        } else if kind != wanted {
            preconditionFailure("\(BinaryEncoder.pathString(codingPath)): asked for a \(wanted) container after a \(kind) one")
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        claim(.keyed)
        return KeyedEncodingContainer(KeyedBinaryEncodingContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        claim(.unkeyed)
        return UnkeyedBinaryEncodingContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        claim(.single)
        return SingleValueBinaryEncodingContainer(encoder: self)
    }

    /// Appends the complete encoding of this encoder's value.
    func writeContents(into writer: inout BinaryWriter) {
        switch kind {
        case .none:
            writer.writeVarUInt(0)
        case .single:
            if buffer.count == 0 { writer.writeUInt8(0) } else { writer.writeBytes(buffer.bytes) }
        case .keyed, .unkeyed:
            writer.writeVarUInt(UInt64(count))
            var done = 0
            for (offset, child) in pending {
                writer.writeBytes(buffer.bytes[done..<offset])
                BinaryEncoder.writeMarked(into: &writer) { child.writeContents(into: &$0) }
                done = offset
            }
            writer.writeBytes(buffer.bytes[done...])
        }
    }

    /// Writes a marker (byte length + 1) followed by what `body` writes.
    static func writeMarked(into writer: inout BinaryWriter, _ body: (inout BinaryWriter) throws -> Void) rethrows {
        let start = writer.count
        writer.writeUInt8(0)
        try body(&writer)
        let marker = UInt64(writer.count - start - 1) + 1
        if marker < 0x80 {
            writer.bytes[start] = UInt8(marker)
        } else {
            var prefix = BinaryWriter(capacity: 10)
            prefix.writeVarUInt(marker)
            prefix.bytes.withUnsafeBytes { writer.replace(at: start, count: 1, with: $0) }
        }
    }

    /// Appends `value` to `writer`: its BinaryCodable encoding if it has one, else the contents
    /// of a nested encoder.
    static func writeValue<T: Encodable>(_ value: T, path: [any CodingKey], into writer: inout BinaryWriter) throws {
        if T.self is any BinaryCodable.Type, let binary = value as? any BinaryCodable {
            binary.encode(to: &writer)
        } else {
            let child = BinaryEncoder(codingPath: path)
            try value.encode(to: child)
            child.writeContents(into: &writer)
        }
    }

    /// Appends a marked nested value to this encoder's buffer.
    func appendMarked<T: Encodable>(_ value: T, path: [any CodingKey]) throws {
        try BinaryEncoder.writeMarked(into: &buffer) { try BinaryEncoder.writeValue(value, path: path, into: &$0) }
    }

    /// Appends a marked primitive to this encoder's buffer.
    func appendMarkedPrimitive<T: BinaryCodable>(_ value: T) {
        BinaryEncoder.writeMarked(into: &buffer) { value.encode(to: &$0) }
    }

    /// A child encoder whose contents are spliced in at the current end of the buffer.
    func pendingChild(path: [any CodingKey]) -> BinaryEncoder {
        let child = BinaryEncoder(codingPath: path)
        pending.append((buffer.count, child))
        return child
    }

    /// `a.b[2].c` for error messages.
    static func pathString(_ path: [any CodingKey]) -> String {
        var s = ""
        for key in path {
            if let i = key.intValue, key.stringValue.hasPrefix("Index ") {
                s += "[\(i)]"
            } else {
                s += s.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return s.isEmpty ? "<root>" : s
    }
}

/// The coding key of an unkeyed container element, or of `super`.
struct BinaryCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    init(intValue: Int) {
        stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    static let superKey = BinaryCodingKey(stringValue: "super")
}
