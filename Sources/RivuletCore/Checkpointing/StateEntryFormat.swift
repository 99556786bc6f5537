// The framing of one key-value entry in a canonical keyed-state snapshot.

/// Entries of key-value states (value, list, map, operator-internal values) are framed as
/// `varint length, key part, varint length, value`, where the key part is
/// `key ‖ namespace [‖ user key]` exactly as the RocksDB backend lays out its keys after the
/// two key-group bytes. Framing makes an entry movable between backends without knowing its
/// types: RocksDB restores by writing `key group ‖ key part -> value`.
public enum StateEntryFormat {
    /// Appends one framed entry; `keyPart` and `value` write their encodings.
    @inlinable
    public static func append(
        to writer: inout BinaryWriter, scratch: inout BinaryWriter,
        keyPart: (inout BinaryWriter) -> Void, value: (inout BinaryWriter) -> Void
    ) {
        scratch.reset()
        keyPart(&scratch)
        writer.writeVarUInt(UInt64(scratch.count))
        writer.bytes.append(contentsOf: scratch.bytes)
        scratch.reset()
        value(&scratch)
        writer.writeVarUInt(UInt64(scratch.count))
        writer.bytes.append(contentsOf: scratch.bytes)
    }

    /// Appends a framed entry from raw parts.
    @inlinable
    public static func append(to writer: inout BinaryWriter, keyPart: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        writer.writeVarUInt(UInt64(keyPart.count))
        writer.bytes.append(contentsOf: keyPart)
        writer.writeVarUInt(UInt64(value.count))
        writer.bytes.append(contentsOf: value)
    }

    /// Reads one framed entry: the key part and the value as separate readers.
    @inlinable
    public static func read(_ reader: inout BinaryReader) throws -> (keyPart: BinaryReader, value: BinaryReader) {
        let keyLength = try reader.readLength("entry key")
        let key = try reader.readSlice(count: keyLength, "entry key")
        let valueLength = try reader.readLength("entry value")
        let value = try reader.readSlice(count: valueLength, "entry value")
        return (BinaryReader(key), BinaryReader(value))
    }
}
