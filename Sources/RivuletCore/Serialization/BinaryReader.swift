// Reads values in Rivulet's binary wire format, throwing on truncated or malformed input.

/// A cursor over bytes written by `BinaryWriter`. It shares the storage of the `[UInt8]` or
/// `ArraySlice<UInt8>` it reads (no copy) and every read checks bounds and throws
/// `SerializationError` instead of trapping.
public struct BinaryReader: Sendable {
    /// The bytes being read; indices are those of the underlying array.
    @usableFromInline let storage: ArraySlice<UInt8>
    /// The absolute index of the next byte to read.
    @usableFromInline var position: Int

    /// A reader over all of `bytes`, sharing its storage.
    @inlinable
    public init(_ bytes: [UInt8]) {
        storage = bytes[...]
        position = storage.startIndex
    }

    /// A reader over `slice`, sharing its storage.
    @inlinable
    public init(_ slice: ArraySlice<UInt8>) {
        storage = slice
        position = slice.startIndex
    }

    /// The number of bytes not yet read.
    @inlinable public var remaining: Int { storage.endIndex &- position }

    /// Whether every byte has been read.
    @inlinable public var isAtEnd: Bool { position >= storage.endIndex }

    /// How many bytes have been read from the start.
    @inlinable public var offset: Int { position &- storage.startIndex }

    /// The unread bytes (shares storage).
    @inlinable public var remainingBytes: ArraySlice<UInt8> { storage[position...] }

    /// Throws `.truncated` unless `count` more bytes are available.
    @inlinable @inline(__always)
    public func require(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw SerializationError.truncated(needed: count, remaining: remaining, what: what())
        }
    }

    /// Throws unless every byte has been read, naming how many were left over.
    public func expectEnd(_ what: String = "value") throws {
        guard isAtEnd else {
            throw SerializationError.invalidValue("\(remaining) unexpected trailing byte(s) after \(what)")
        }
    }

    /// Loads a fixed-width integer at the cursor without bounds checks (callers check first).
    @inlinable @inline(__always)
    func load<T: FixedWidthInteger>(_ type: T.Type) -> T {
        let base = storage.startIndex
        let at = position &- base
        return storage.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
    }

    /// Reads one byte.
    @inlinable
    public mutating func readUInt8() throws -> UInt8 {
        guard position < storage.endIndex else {
            throw SerializationError.truncated(needed: 1, remaining: 0, what: "UInt8")
        }
        let b = storage[position]
        position &+= 1
        return b
    }

    /// Reads one byte as a two's-complement `Int8`.
    @inlinable
    public mutating func readInt8() throws -> Int8 { Int8(bitPattern: try readUInt8()) }

    /// Reads a `Bool`; any byte other than 0 or 1 throws.
    @inlinable
    public mutating func readBool() throws -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        case let b: throw SerializationError.invalidValue("Bool byte must be 0 or 1, got \(b)")
        }
    }

    /// Reads 2 big-endian bytes.
    @inlinable
    public mutating func readUInt16() throws -> UInt16 {
        try require(2, "UInt16")
        let v = UInt16(bigEndian: load(UInt16.self))
        position &+= 2
        return v
    }

    /// Reads 4 big-endian bytes.
    @inlinable
    public mutating func readUInt32() throws -> UInt32 {
        try require(4, "UInt32")
        let v = UInt32(bigEndian: load(UInt32.self))
        position &+= 4
        return v
    }

    /// Reads 8 big-endian bytes.
    @inlinable
    public mutating func readUInt64() throws -> UInt64 {
        try require(8, "UInt64")
        let v = UInt64(bigEndian: load(UInt64.self))
        position &+= 8
        return v
    }

    /// Reads 2 big-endian two's-complement bytes.
    @inlinable
    public mutating func readInt16() throws -> Int16 { Int16(bitPattern: try readUInt16()) }

    /// Reads 4 big-endian two's-complement bytes.
    @inlinable
    public mutating func readInt32() throws -> Int32 { Int32(bitPattern: try readUInt32()) }

    /// Reads 8 big-endian two's-complement bytes.
    @inlinable
    public mutating func readInt64() throws -> Int64 { Int64(bitPattern: try readUInt64()) }

    /// Reads 8 big-endian bytes as `Int`; throws if the value does not fit the platform `Int`.
    @inlinable
    public mutating func readInt() throws -> Int {
        let v = try readInt64()
        guard let i = Int(exactly: v) else {
            throw SerializationError.invalidValue("Int64 \(v) does not fit in Int")
        }
        return i
    }

    /// Reads 8 big-endian bytes as `UInt`; throws if the value does not fit the platform `UInt`.
    @inlinable
    public mutating func readUInt() throws -> UInt {
        let v = try readUInt64()
        guard let u = UInt(exactly: v) else {
            throw SerializationError.invalidValue("UInt64 \(v) does not fit in UInt")
        }
        return u
    }

    /// Reads an IEEE 754 single from its big-endian bit pattern.
    @inlinable
    public mutating func readFloat() throws -> Float { Float(bitPattern: try readUInt32()) }

    /// Reads an IEEE 754 double from its big-endian bit pattern.
    @inlinable
    public mutating func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }

    /// Reads an unsigned LEB128 varint; more than 10 bytes or a 64-bit overflow throws.
    @inlinable
    public mutating func readVarUInt() throws -> UInt64 {
        // Fast path: one byte.
        if position < storage.endIndex {
            let b = storage[position]
            if b < 0x80 {
                position &+= 1
                return UInt64(b)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < storage.endIndex else {
                throw SerializationError.truncated(needed: 1, remaining: 0, what: "varint")
            }
            let b = storage[position]
            position &+= 1
            if shift == 63 && b > 1 { throw SerializationError.varIntOverflow }
            result |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return result }
            shift &+= 7
            if shift > 63 { throw SerializationError.varIntOverflow }
        }
    }

    /// Reads a zig-zag encoded varint.
    @inlinable
    public mutating func readVarInt() throws -> Int64 {
        let u = try readVarUInt()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    /// Reads a varint count of elements (may exceed `remaining` for zero-sized elements,
    /// but never `Int.max`).
    @inlinable
    public mutating func readCount(_ what: @autoclosure () -> String = "count") throws -> Int {
        let v = try readVarUInt()
        guard v <= UInt64(Int.max) else {
            throw SerializationError.invalidValue("\(what()) \(v) is too large")
        }
        return Int(v)
    }

    /// Reads a varint byte length that must fit in the remaining input.
    @inlinable
    public mutating func readLength(_ what: @autoclosure () -> String = "bytes") throws -> Int {
        let v = try readVarUInt()
        guard v <= UInt64(remaining) else {
            throw SerializationError.truncated(
                needed: v > UInt64(Int.max) ? Int.max : Int(v),
                remaining: remaining, what: what())
        }
        return Int(v)
    }

    /// Skips `count` bytes.
    @inlinable
    public mutating func skip(_ count: Int) throws {
        try require(count, "skip")
        position &+= count
    }

    /// Reads `count` bytes without copying them.
    @inlinable
    public mutating func readSlice(count: Int, _ what: @autoclosure () -> String = "bytes") throws -> ArraySlice<UInt8> {
        try require(count, what())
        let s = storage[position..<(position &+ count)]
        position &+= count
        return s
    }

    /// Reads `count` bytes into a new array.
    @inlinable
    public mutating func readBytes(count: Int) throws -> [UInt8] {
        Array(try readSlice(count: count))
    }

    /// Reads a varint length then that many bytes into a new array.
    @inlinable
    public mutating func readLengthPrefixedBytes() throws -> [UInt8] {
        let n = try readLength("length-prefixed bytes")
        return try readBytes(count: n)
    }

    /// Reads a varint UTF-8 length and the bytes; invalid UTF-8 throws.
    @inlinable
    public mutating func readString() throws -> String {
        let n = try readLength("String")
        let s = String(validating: storage[position..<(position &+ n)], as: UTF8.self)
        guard let s else { throw SerializationError.invalidUTF8(byteCount: n) }
        position &+= n
        return s
    }
}
