// Encodes state values whose type is only known to be BinaryCodable at run time.

import RivuletCore

/// The binary encoding of one state's values. State APIs accept any value type (a heap state
/// never serializes on the hot path); a codec is looked up once, when a state that must be
/// written out (a checkpoint, the RocksDB backend) is registered.
public struct StateCodec<V> {
    public let encode: (V, inout BinaryWriter) -> Void
    public let decode: (inout BinaryReader) throws -> V

    @inlinable
    public init(encode: @escaping (V, inout BinaryWriter) -> Void, decode: @escaping (inout BinaryReader) throws -> V) {
        self.encode = encode
        self.decode = decode
    }

    /// The codec of `V`, or nil when `V` does not conform to `BinaryCodable`.
    @inlinable
    public static func lookup() -> StateCodec<V>? {
        guard let type = V.self as? any BinaryCodable.Type else { return nil }
        return opened(type)
    }

    /// `B` is `V` itself (the cast above returned `V.self`), so the bit casts are identity
    /// conversions that only tell the compiler what the run-time check established.
    @inlinable
    static func opened<B: BinaryCodable>(_: B.Type) -> StateCodec<V> {
        StateCodec(
            encode: { value, writer in unsafeBitCast(value, to: B.self).encode(to: &writer) },
            decode: { reader in unsafeBitCast(try B(from: &reader), to: V.self) })
    }

    /// The codec of `V`, or an error naming the state and the type that cannot be written.
    @inlinable
    public static func require(state: String, operatorName: String) throws -> StateCodec<V> {
        guard let codec = lookup() else {
            throw StateAccessError(
                "state '\(state)' of operator '\(operatorName)' holds \(V.self), which is not BinaryCodable: declare the conformance (Codable types get it for free) so the state can be checkpointed or kept in RocksDB"
            )
        }
        return codec
    }
}

extension StateCodec {
    /// A TTL-stamped value: the last-access time, then the value.
    @inlinable
    public static func ttl<T>(_ inner: StateCodec<T>) -> StateCodec<TtlValue<T>> {
        StateCodec<TtlValue<T>>(
            encode: { v, w in
                w.writeInt64(v.lastAccess); inner.encode(v.value, &w)
            },
            decode: { r in
                let t = try r.readInt64(); return TtlValue(try inner.decode(&r), lastAccess: t)
            })
    }

    /// A list: the count, then each element.
    @inlinable
    public static func array<T>(_ inner: StateCodec<T>) -> StateCodec<[T]> {
        StateCodec<[T]>(
            encode: { list, w in
                w.writeVarUInt(UInt64(list.count))
                for e in list { inner.encode(e, &w) }
            },
            decode: { r in
                let n = try r.readCount("list elements")
                var list: [T] = []
                list.reserveCapacity(n)
                for _ in 0..<n { list.append(try inner.decode(&r)) }
                return list
            })
    }
}
