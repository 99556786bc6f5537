// Serializes record batches into network buffers and back, for records that cross TaskManagers.

import RivuletCore

/// The wire form of one record type: a batch becomes one or more buffers of whole records
/// (`timestamp (8 bytes) ‖ value`), each at most `bufferSize` bytes unless a single record is
/// larger. Each buffer decodes to one `RecordBatch<T>`, so one buffer costs one credit.
@usableFromInline package struct RecordCodec: Sendable {
    /// The record type's name, for errors.
    @usableFromInline package let typeName: String
    /// Splits a `RecordBatch<T>` into buffers.
    @usableFromInline package let encode: @Sendable (_ batch: any Sendable & AnyObject, _ bufferSize: Int) throws -> [[UInt8]]
    /// Reads one buffer back into a `RecordBatch<T>`.
    @usableFromInline package let decode: @Sendable (_ buffer: [UInt8]) throws -> any Sendable & AnyObject

    /// The codec of `T`, or nil when `T` is not `BinaryCodable`.
    @usableFromInline package static func lookup<T: Sendable>(_: T.Type) -> RecordCodec? {
        guard let type = T.self as? any BinaryCodable.Type else { return nil }
        return opened(type, as: T.self)
    }

    /// `B` is `T` itself (the cast above returned `T.self`), so the bit casts are identity
    /// conversions that only tell the compiler what the run-time check established.
    static func opened<B: BinaryCodable, T: Sendable>(_: B.Type, as: T.Type) -> RecordCodec {
        let name = "\(T.self)"
        return RecordCodec(
            typeName: name,
            encode: { erased, bufferSize in
                guard let batch = erased as? RecordBatch<T> else {
                    throw RuntimeInvariantError("a network channel of \(name) records got another batch type")
                }
                var buffers: [[UInt8]] = []
                var writer = BinaryWriter(capacity: bufferSize)
                for record in batch.records {
                    let start = writer.count
                    writer.writeInt64(record.timestamp)
                    unsafeBitCast(record.value, to: B.self).encode(to: &writer)
                    if writer.count > bufferSize && start > 0 {
                        // The record overflows this buffer: close the buffer before it.
                        let tail = Array(writer.bytes[start...])
                        writer.bytes.removeSubrange(start...)
                        buffers.append(writer.bytes)
                        writer = BinaryWriter(capacity: bufferSize)
                        writer.writeBytes(tail)
                    }
                }
                if writer.count > 0 { buffers.append(writer.bytes) }
                return buffers
            },
            decode: { buffer in
                var reader = BinaryReader(buffer)
                var records: [StreamRecord<T>] = []
                records.reserveCapacity(max(8, buffer.count / 16))
                while !reader.isAtEnd {
                    let timestamp = try reader.readInt64()
                    let value = unsafeBitCast(try B(from: &reader), to: T.self)
                    records.append(StreamRecord(value, timestamp: timestamp))
                }
                return RecordBatch(records)
            })
    }
}
