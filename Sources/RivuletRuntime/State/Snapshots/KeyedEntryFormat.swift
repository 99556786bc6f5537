// The canonical entry formats of the keyed state kinds, for the heap backend's hash maps.

import RivuletCore

/// How the entries of one state kind are written to and read from a snapshot, framed by
/// `StateEntryFormat`. The key parts and values are the ones the RocksDB backend stores:
/// value `key ns -> ttl-stamp value`, list `key ns -> [ttl-stamp element]`, map one
/// `key ns user-key -> ttl-stamp value` per user key.
public struct KeyedEntryFormat<K: StreamKey, N: StateNamespace & BinaryCodable, S> {
    /// The encoders of a registered state.
    public struct Codecs {
        /// Appends the framed entries of one (key, namespace); the second writer is scratch space.
        public let write: (K, N, S, inout BinaryWriter, inout BinaryWriter) -> Void
        /// Reads one framed entry into the map.
        public let read: (inout BinaryReader, StateHashMap<K, N, S>) throws -> Void

        @inlinable
        public init(
            write: @escaping (K, N, S, inout BinaryWriter, inout BinaryWriter) -> Void,
            read: @escaping (inout BinaryReader, StateHashMap<K, N, S>) throws -> Void
        ) {
            self.write = write
            self.read = read
        }
    }

    /// Builds the codecs; fails when a value type is not BinaryCodable.
    public let codecs: () throws -> Codecs

    public init(codecs: @escaping () throws -> Codecs) {
        self.codecs = codecs
    }

    /// A `ValueState`: one TTL-stamped value per (key, namespace).
    @inlinable
    public static func value<V: BinaryCodable>(state: String, operatorName: String) -> KeyedEntryFormat<K, N, TtlValue<V>> {
        KeyedEntryFormat<K, N, TtlValue<V>> {
            let codec = StateCodec<TtlValue<V>>.ttl(StateCodec<V>.opened(V.self))
            return .init(
                write: { key, namespace, value, w, scratch in
                    StateEntryFormat.append(
                        to: &w, scratch: &scratch,
                        keyPart: {
                            key.encode(to: &$0); namespace.encode(to: &$0)
                        },
                        value: { codec.encode(value, &$0) })
                },
                read: { r, map in
                    var (k, v) = try StateEntryFormat.read(&r)
                    let key = try K(from: &k), namespace = try N(from: &k)
                    map.set(key, namespace, try codec.decode(&v))
                })
        }
    }

    /// An operator-internal value with no TTL stamp in memory (keyed reduce, window contents),
    /// written in the `ValueState` format with a zero stamp. Its type is checked for
    /// `BinaryCodable` at run time.
    @inlinable
    public static func plainValue(state: String, operatorName: String) -> KeyedEntryFormat<K, N, S> {
        KeyedEntryFormat<K, N, S> {
            let codec = try StateCodec<S>.require(state: state, operatorName: operatorName)
            return .init(
                write: { key, namespace, value, w, scratch in
                    StateEntryFormat.append(
                        to: &w, scratch: &scratch,
                        keyPart: {
                            key.encode(to: &$0); namespace.encode(to: &$0)
                        },
                        value: {
                            $0.writeInt64(0); codec.encode(value, &$0)
                        })
                },
                read: { r, map in
                    var (k, v) = try StateEntryFormat.read(&r)
                    let key = try K(from: &k), namespace = try N(from: &k)
                    _ = try v.readInt64()
                    map.set(key, namespace, try codec.decode(&v))
                })
        }
    }

    /// A `ListState`: the TTL-stamped elements of each (key, namespace).
    @inlinable
    public static func list<T: BinaryCodable>(state: String, operatorName: String) -> KeyedEntryFormat<K, N, TtlValue<[TtlValue<T>]>> {
        KeyedEntryFormat<K, N, TtlValue<[TtlValue<T>]>> {
            let codec = StateCodec<[TtlValue<T>]>.array(StateCodec<TtlValue<T>>.ttl(StateCodec<T>.opened(T.self)))
            return .init(
                write: { key, namespace, value, w, scratch in
                    StateEntryFormat.append(
                        to: &w, scratch: &scratch,
                        keyPart: {
                            key.encode(to: &$0); namespace.encode(to: &$0)
                        },
                        value: { codec.encode(value.value, &$0) })
                },
                read: { r, map in
                    var (k, v) = try StateEntryFormat.read(&r)
                    let key = try K(from: &k), namespace = try N(from: &k)
                    let list = try codec.decode(&v)
                    map.set(key, namespace, TtlValue(list, lastAccess: list.map(\.lastAccess).max() ?? 0))
                })
        }
    }

    /// A `MapState`: one entry per user key.
    @inlinable
    public static func map<UK: Hashable & BinaryCodable, UV: BinaryCodable>(
        state: String, operatorName: String
    )
        -> KeyedEntryFormat<K, N, TtlValue<[UK: TtlValue<UV>]>>
    {
        KeyedEntryFormat<K, N, TtlValue<[UK: TtlValue<UV>]>> {
            let codec = StateCodec<TtlValue<UV>>.ttl(StateCodec<UV>.opened(UV.self))
            return .init(
                write: { key, namespace, value, w, scratch in
                    for (userKey, entry) in value.value {
                        StateEntryFormat.append(
                            to: &w, scratch: &scratch,
                            keyPart: {
                                key.encode(to: &$0); namespace.encode(to: &$0); userKey.encode(to: &$0)
                            },
                            value: { codec.encode(entry, &$0) })
                    }
                },
                read: { r, map in
                    var (k, v) = try StateEntryFormat.read(&r)
                    let key = try K(from: &k), namespace = try N(from: &k), userKey = try UK(from: &k)
                    let entry = try codec.decode(&v)
                    _ = map.upsert(key, namespace) { stored in
                        var dict = stored?.value ?? [:]
                        stored = nil
                        dict[userKey] = entry
                        stored = TtlValue(dict, lastAccess: max(entry.lastAccess, 0))
                    }
                })
        }
    }
}
