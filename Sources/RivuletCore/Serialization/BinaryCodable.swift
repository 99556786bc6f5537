// The protocol for values that have a compact binary encoding (state, keys, records).

/// A value with a binary encoding through `BinaryWriter` / `BinaryReader`.
///
/// `keyHash()` is MurmurHash3 of the encoded bytes; it decides a key's key group, so overrides
/// must return exactly the hash of `encode(to:)`'s output. Types that are also `Codable` get
/// `encode(to:)` and `init(from:)` for free through the derived Codable path.
public protocol BinaryCodable {
    /// Appends the value's encoding to `writer`.
    func encode(to writer: inout BinaryWriter)
    /// Reads a value written by `encode(to:)`; malformed input throws `SerializationError`.
    init(from reader: inout BinaryReader) throws
    /// MurmurHash3_x86_32 (seed 0) of the encoded bytes.
    func keyHash() -> UInt32
    /// A hash for the engine's in-memory maps (`StateHashMap`): equal for equal values within
    /// one process, not necessarily `keyHash()`, never persisted. The default is `keyHash()`;
    /// `String` overrides it with a cheaper one.
    func stateHash() -> UInt64
}

extension BinaryCodable {
    /// Encodes into a scratch writer and hashes the bytes.
    @inlinable
    public func keyHash() -> UInt32 {
        var writer = BinaryWriter()
        encode(to: &writer)
        return writer.bytes.withUnsafeBytes { MurmurHash3.hash32($0) }
    }

    /// The key hash, widened.
    @inlinable
    public func stateHash() -> UInt64 { UInt64(keyHash()) }

    /// The encoded bytes of the value.
    @inlinable
    public func binaryEncoded() -> [UInt8] {
        var writer = BinaryWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// Decodes a value that must span all of `bytes` (trailing bytes throw).
    @inlinable
    public init(binaryEncoded bytes: [UInt8]) throws {
        var reader = BinaryReader(bytes)
        try self.init(from: &reader)
        try reader.expectEnd("\(Self.self)")
    }
}
