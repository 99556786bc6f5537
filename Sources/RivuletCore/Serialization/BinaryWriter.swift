// Appends values to a growable byte buffer in Rivulet's binary wire format.

/// A growable byte buffer with big-endian fixed-width writes, LEB128 varints and
/// length-prefixed strings. `reset()` keeps the capacity so one writer can be reused.
public struct BinaryWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    @inlinable
    public init(capacity: Int = 0) {
        bytes = []
        if capacity > 0 { bytes.reserveCapacity(capacity) }
    }

    /// The number of bytes written.
    @inlinable public var count: Int { bytes.count }

    /// Makes room for `additional` more bytes.
    @inlinable
    public mutating func reserve(_ additional: Int) {
        bytes.reserveCapacity(bytes.count + additional)
    }

    /// Drops the contents, keeping the capacity.
    @inlinable
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Appends one byte.
    @inlinable
    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    /// Appends one byte holding the bit pattern of `value`.
    @inlinable
    public mutating func writeInt8(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }

    /// Appends `1` or `0`.
    @inlinable
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Appends `value` as 2 big-endian bytes.
    @inlinable
    public mutating func writeUInt16(_ value: UInt16) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends `value` as 4 big-endian bytes.
    @inlinable
    public mutating func writeUInt32(_ value: UInt32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends `value` as 8 big-endian bytes.
    @inlinable
    public mutating func writeUInt64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends `value` as 2 big-endian two's-complement bytes.
    @inlinable
    public mutating func writeInt16(_ value: Int16) { writeUInt16(UInt16(bitPattern: value)) }

    /// Appends `value` as 4 big-endian two's-complement bytes.
    @inlinable
    public mutating func writeInt32(_ value: Int32) { writeUInt32(UInt32(bitPattern: value)) }

    /// Appends `value` as 8 big-endian two's-complement bytes.
    @inlinable
    public mutating func writeInt64(_ value: Int64) { writeUInt64(UInt64(bitPattern: value)) }

    /// Appends `value` as 8 big-endian bytes (independent of the platform word size).
    @inlinable
    public mutating func writeInt(_ value: Int) { writeUInt64(UInt64(bitPattern: Int64(value))) }

    /// Appends `value` as 8 big-endian bytes.
    @inlinable
    public mutating func writeUInt(_ value: UInt) { writeUInt64(UInt64(value)) }

    /// Appends the IEEE 754 bit pattern of `value`, big-endian.
    @inlinable
    public mutating func writeFloat(_ value: Float) { writeUInt32(value.bitPattern) }

    /// Appends the IEEE 754 bit pattern of `value`, big-endian.
    @inlinable
    public mutating func writeDouble(_ value: Double) { writeUInt64(value.bitPattern) }

    /// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
    @inlinable
    public mutating func writeVarUInt(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Appends `value` zig-zag encoded as a varint, so small negative numbers stay short.
    @inlinable
    public mutating func writeVarInt(_ value: Int64) {
        writeVarUInt(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends a non-negative length or count as a varint.
    @inlinable
    public mutating func writeLength(_ length: Int) {
        writeVarUInt(UInt64(length))
    }

    /// Appends raw bytes, without a length prefix.
    @inlinable
    public mutating func writeBytes(_ raw: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: raw)
    }

    /// Appends raw bytes, without a length prefix.
    @inlinable
    public mutating func writeBytes<C: Collection>(_ collection: C) where C.Element == UInt8 {
        bytes.append(contentsOf: collection)
    }

    /// Appends a varint byte count followed by the bytes.
    @inlinable
    public mutating func writeLengthPrefixedBytes(_ raw: UnsafeRawBufferPointer) {
        writeVarUInt(UInt64(raw.count))
        bytes.append(contentsOf: raw)
    }

    /// Appends a varint UTF-8 byte length followed by the UTF-8 bytes.
    @inlinable
    public mutating func writeString(_ value: String) {
        var s = value
        s.withUTF8 { utf8 in
            writeVarUInt(UInt64(utf8.count))
            bytes.append(contentsOf: UnsafeRawBufferPointer(utf8))
        }
    }

    /// Overwrites `count` bytes starting at `offset` (which must already be written) with the
    /// bytes of `replacement`, shifting what follows if the lengths differ.
    @inlinable
    public mutating func replace(at offset: Int, count: Int, with replacement: UnsafeRawBufferPointer) {
        bytes.replaceSubrange(offset..<(offset + count), with: replacement)
    }
}
