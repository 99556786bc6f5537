// BinaryCodable conformances of standard library types: big-endian numbers, strings, collections.

/// `Int` as 8 big-endian byte(s).
extension Int: BinaryCodable {
    /// Writes 8 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeInt(self) }
    /// Reads 8 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readInt() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: UInt64(bitPattern: Int64(self))) }
}

/// `Int64` as 8 big-endian byte(s).
extension Int64: BinaryCodable {
    /// Writes 8 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeInt64(self) }
    /// Reads 8 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readInt64() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: UInt64(bitPattern: self)) }
}

/// `Int32` as 4 big-endian byte(s).
extension Int32: BinaryCodable {
    /// Writes 4 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeInt32(self) }
    /// Reads 4 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readInt32() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: UInt32(bitPattern: self)) }
}

/// `Int16` as 2 big-endian byte(s).
extension Int16: BinaryCodable {
    /// Writes 2 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeInt16(self) }
    /// Reads 2 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readInt16() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: UInt16(bitPattern: self)) }
}

/// `Int8` as 1 big-endian byte(s).
extension Int8: BinaryCodable {
    /// Writes 1 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeInt8(self) }
    /// Reads 1 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readInt8() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(byte: UInt8(bitPattern: self)) }
}

/// `UInt` as 8 big-endian byte(s).
extension UInt: BinaryCodable {
    /// Writes 8 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeUInt(self) }
    /// Reads 8 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readUInt() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: UInt64(self)) }
}

/// `UInt64` as 8 big-endian byte(s).
extension UInt64: BinaryCodable {
    /// Writes 8 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeUInt64(self) }
    /// Reads 8 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readUInt64() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: self) }
}

/// `UInt32` as 4 big-endian byte(s).
extension UInt32: BinaryCodable {
    /// Writes 4 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeUInt32(self) }
    /// Reads 4 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readUInt32() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: self) }
}

/// `UInt16` as 2 big-endian byte(s).
extension UInt16: BinaryCodable {
    /// Writes 2 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeUInt16(self) }
    /// Reads 2 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readUInt16() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: self) }
}

/// `UInt8` as 1 big-endian byte(s).
extension UInt8: BinaryCodable {
    /// Writes 1 big-endian byte(s).
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeUInt8(self) }
    /// Reads 1 big-endian byte(s).
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readUInt8() }
    /// The hash of the encoded bytes, computed without a buffer.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(byte: self) }
}

/// `Bool` as one byte, 0 or 1; other bytes are rejected on decode.
extension Bool: BinaryCodable {
    /// Writes 1 or 0.
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeBool(self) }
    /// Reads 0 or 1; anything else throws.
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readBool() }
    /// The hash of the single encoded byte.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(byte: self ? 1 : 0) }
}

/// `Double` as its big-endian IEEE 754 bit pattern.
extension Double: BinaryCodable {
    /// Writes the 8-byte bit pattern.
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeDouble(self) }
    /// Reads the 8-byte bit pattern.
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readDouble() }
    /// The hash of the encoded bytes (so `0.0` and `-0.0` hash differently).
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: bitPattern) }
}

/// `Float` as its big-endian IEEE 754 bit pattern.
extension Float: BinaryCodable {
    /// Writes the 4-byte bit pattern.
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeFloat(self) }
    /// Reads the 4-byte bit pattern.
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readFloat() }
    /// The hash of the encoded bytes.
    @inlinable public func keyHash() -> UInt32 { MurmurHash3.hash32(bigEndian: bitPattern) }
}

/// `String` as a varint UTF-8 byte length and the UTF-8 bytes.
extension String: BinaryCodable {
    /// Writes the length-prefixed UTF-8.
    @inlinable public func encode(to writer: inout BinaryWriter) { writer.writeString(self) }
    /// Reads length-prefixed UTF-8; invalid UTF-8 throws.
    @inlinable public init(from reader: inout BinaryReader) throws { self = try reader.readString() }
    /// The hash of the encoded bytes, computed over the string's UTF-8 without a copy.
    @inlinable public func keyHash() -> UInt32 {
        var s = self
        return s.withUTF8 { MurmurHash3.hash32(lengthPrefixed: UnsafeRawBufferPointer($0)) }
    }
    /// `StateHashing` of the UTF-8: 8-byte words instead of murmur3's byte-serial tail, which
    /// was 17% of `bin/bench wordcount`'s keyed thread.
    @inlinable public func stateHash() -> UInt64 {
        var s = self
        return s.withUTF8 { StateHashing.hash(UnsafeRawBufferPointer($0)) }
    }
}

/// `Optional` as a tag byte (0 = nil, 1 = some) followed by the wrapped value.
extension Optional: BinaryCodable where Wrapped: BinaryCodable {
    /// Writes the tag and, if present, the value.
    @inlinable public func encode(to writer: inout BinaryWriter) {
        switch self {
        case .none: writer.writeUInt8(0)
        case .some(let v):
            writer.writeUInt8(1)
            v.encode(to: &writer)
        }
    }

    /// Reads the tag (0 or 1, else throws) and the value.
    @inlinable public init(from reader: inout BinaryReader) throws {
        switch try reader.readUInt8() {
        case 0: self = .none
        case 1: self = .some(try Wrapped(from: &reader))
        case let tag: throw SerializationError.invalidValue("Optional tag must be 0 or 1, got \(tag)")
        }
    }
}

/// `Array` as a varint count and the elements; `[UInt8]` is copied as raw bytes (same format).
extension Array: BinaryCodable where Element: BinaryCodable {
    /// Writes the count and each element.
    @inlinable public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(count))
        if Element.self == UInt8.self {
            withUnsafeBytes { writer.writeBytes($0) }
            return
        }
        for element in self { element.encode(to: &writer) }
    }

    /// Reads the count and the elements.
    @inlinable public init(from reader: inout BinaryReader) throws {
        let n = try reader.readCount("Array count")
        if Element.self == UInt8.self {
            let slice = try reader.readSlice(count: n, "[UInt8] of \(n) bytes")
            if let bytes = Array<UInt8>(slice) as? [Element] {
                self = bytes
                return
            }
        }
        self = []
        reserveCapacity(Swift.min(n, reader.remaining))
        for _ in 0..<n { append(try Element(from: &reader)) }
    }
}

/// `ContiguousArray` in the same format as `Array`.
extension ContiguousArray: BinaryCodable where Element: BinaryCodable {
    /// Writes the count and each element.
    @inlinable public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(count))
        for element in self { element.encode(to: &writer) }
    }

    /// Reads the count and the elements.
    @inlinable public init(from reader: inout BinaryReader) throws {
        let n = try reader.readCount("ContiguousArray count")
        self = []
        reserveCapacity(Swift.min(n, reader.remaining))
        for _ in 0..<n { append(try Element(from: &reader)) }
    }
}

/// Encodes each element into `scratch`, then writes them to `writer` sorted by their bytes, so
/// the encoding of an unordered collection does not depend on the process's hash seed.
@inlinable
func writeCanonicalOrder<S: Sequence>(
    _ elements: S, count: Int, to writer: inout BinaryWriter,
    encode: (S.Element, inout BinaryWriter) -> Void
) {
    writer.writeVarUInt(UInt64(count))
    if count <= 1 {
        for e in elements { encode(e, &writer) }
        return
    }
    var scratch = BinaryWriter()
    var ranges: [Range<Int>] = []
    ranges.reserveCapacity(count)
    for e in elements {
        let start = scratch.count
        encode(e, &scratch)
        ranges.append(start..<scratch.count)
    }
    let bytes = scratch.bytes
    ranges.sort { bytes[$0].lexicographicallyPrecedes(bytes[$1]) }
    writer.reserve(bytes.count)
    for r in ranges { writer.writeBytes(bytes[r]) }
}

/// `Set` as a varint count and the elements, in the order of their encoded bytes.
extension Set: BinaryCodable where Element: BinaryCodable {
    /// Writes the count and the elements in canonical (byte-sorted) order.
    @inlinable public func encode(to writer: inout BinaryWriter) {
        writeCanonicalOrder(self, count: count, to: &writer) { e, w in e.encode(to: &w) }
    }

    /// Reads the count and the elements; a duplicate element throws.
    @inlinable public init(from reader: inout BinaryReader) throws {
        let n = try reader.readCount("Set count")
        self.init(minimumCapacity: Swift.min(n, reader.remaining))
        for _ in 0..<n {
            guard insert(try Element(from: &reader)).inserted else {
                throw SerializationError.invalidValue("duplicate element in Set")
            }
        }
    }
}

/// `Dictionary` as a varint count and key/value pairs, in the order of their encoded bytes.
extension Dictionary: BinaryCodable where Key: BinaryCodable, Value: BinaryCodable {
    /// Writes the count and the pairs in canonical (byte-sorted) order.
    @inlinable public func encode(to writer: inout BinaryWriter) {
        writeCanonicalOrder(self, count: count, to: &writer) { pair, w in
            pair.key.encode(to: &w)
            pair.value.encode(to: &w)
        }
    }

    /// Reads the count and the pairs; a duplicate key throws.
    @inlinable public init(from reader: inout BinaryReader) throws {
        let n = try reader.readCount("Dictionary count")
        self.init(minimumCapacity: Swift.min(n, reader.remaining))
        for _ in 0..<n {
            let key = try Key(from: &reader)
            let value = try Value(from: &reader)
            guard updateValue(value, forKey: key) == nil else {
                throw SerializationError.invalidValue("duplicate key in Dictionary")
            }
        }
    }
}
