// An operator's per-key state in RocksDB (keyed reduce, window contents).

import RivuletCore
import RivuletRocksDB

/// `KeyedStateMap` over one column family of the RocksDB backend. Values are stored in the
/// `ValueState` format with a zero TTL stamp, as the heap backend snapshots them.
public final class RocksDBStateMap<K: StreamKey, N: StateNamespace & BinaryCodable, V>: KeyedStateMap {
    @usableFromInline let store: RocksDBKeyedStore
    @usableFromInline let family: RocksDB.ColumnFamily
    @usableFromInline let codec: StateCodec<V>

    init(store: RocksDBKeyedStore, family: RocksDB.ColumnFamily, codec: StateCodec<V>) {
        self.store = store
        self.family = family
        self.codec = codec
    }

    public static func register(_ name: String, signature: String, in backend: KeyedStateBackend<K>) throws -> RocksDBStateMap<K, N, V> {
        guard let store = backend.rocks else {
            throw StateAccessError("state '\(name)' of operator '\(backend.operatorName)' needs the RocksDB backend")
        }
        let codec = try StateCodec<V>.require(state: name, operatorName: backend.operatorName)
        return RocksDBStateMap(store: store, family: try backend.rocksFamily(name, signature: signature), codec: codec)
    }

    @inlinable
    public func value(_ key: K, _ namespace: N) throws -> V? {
        store.buildKey(key, namespace)
        return try store.read(family) { r in
            _ = try r.readInt64()
            return try codec.decode(&r)
        }
    }

    @inlinable
    @discardableResult
    public func upsert(_ key: K, _ namespace: N, _ body: (inout V?) throws -> Void) throws -> Bool {
        var v = try value(key, namespace)
        let absent = v == nil
        try body(&v)
        store.buildKey(key, namespace)
        if let v {
            try store.write(family) { w in
                w.writeInt64(0)
                codec.encode(v, &w)
            }
        } else if !absent {
            try store.remove(family)
        }
        return absent
    }

    @inlinable
    @discardableResult
    public func removeValue(_ key: K, _ namespace: N) throws -> V? {
        let v = try value(key, namespace)
        if v != nil { try store.remove(family) }
        return v
    }
}
