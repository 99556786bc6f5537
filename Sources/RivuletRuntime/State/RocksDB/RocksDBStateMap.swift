// An operator's per-key state in RocksDB (keyed reduce, window contents).

import Foundation
import RivuletCore
import RivuletRocksDB

/// A value held in the write cache: nil is a known absence (or a pending delete).
public struct CachedStateValue<V> {
    public var value: V?
    /// Changed since it was last written to RocksDB.
    public var dirty: Bool
    /// RocksDB holds a value for this key (as of the last read or write): only then does
    /// removing the value need a delete in RocksDB.
    public var stored: Bool

    @inlinable
    public init(_ value: V?, dirty: Bool, stored: Bool) {
        self.value = value
        self.dirty = dirty
        self.stored = stored
    }
}

/// `KeyedStateMap` over one column family of the RocksDB backend. Values are stored in the
/// `ValueState` format with a zero TTL stamp, as the heap backend snapshots them.
///
/// Reads and writes go through a bounded write-back cache (`state.backend.rocksdb.write-cache-entries`):
/// a read-modify-write of a hot key costs a hash probe instead of a RocksDB get and put.
/// Dirty entries are written to RocksDB in one batch when the cache is full and before every
/// snapshot, so checkpoints see exactly the operator's state.
public final class RocksDBStateMap<K: StreamKey, N: StateNamespace & BinaryCodable, V>: KeyedStateMap {
    @usableFromInline let store: RocksDBKeyedStore
    @usableFromInline let family: RocksDB.ColumnFamily
    @usableFromInline let codec: StateCodec<V>
    @exclusivity(unchecked) @usableFromInline var cache = StateHashMap<K, N, CachedStateValue<V>>()
    @usableFromInline let capacity: Int
    /// Every key RocksDB holds is in the cache, so a miss is an absence and needs no read:
    /// true from an empty column family (no restored entries) until the cache is first
    /// emptied to make room. A flush keeps this: it leaves the values it wrote in the cache
    /// and deletes from RocksDB the ones it drops.
    @usableFromInline var complete: Bool

    init(store: RocksDBKeyedStore, family: RocksDB.ColumnFamily, codec: StateCodec<V>, capacity: Int) {
        self.store = store
        self.family = family
        self.codec = codec
        self.capacity = capacity
        let iterator = store.db.iterator(family)
        iterator.seekToFirst()
        complete = capacity > 0 && !iterator.isValid
    }

    public static func register(_ name: String, signature: String, in backend: KeyedStateBackend<K>) throws -> RocksDBStateMap<K, N, V> {
        guard let store = backend.rocks else {
            throw StateAccessError("state '\(name)' of operator '\(backend.operatorName)' needs the RocksDB backend")
        }
        let codec = try StateCodec<V>.require(state: name, operatorName: backend.operatorName)
        let map = RocksDBStateMap(
            store: store, family: try backend.rocksFamily(name, signature: signature), codec: codec,
            capacity: store.settings.writeCacheEntries)
        backend.addFlusher { try map.flush() }
        return map
    }

    /// The value stored in RocksDB (not the cache) of a key the cache does not hold.
    @usableFromInline
    func stored(_ key: K, _ namespace: N) throws -> V? {
        if complete { return nil }
        store.buildKey(key, namespace)
        return try store.read(family) { r in
            _ = try r.readInt64()
            return try codec.decode(&r)
        }
    }

    @inlinable
    public func value(_ key: K, _ namespace: N) throws -> V? {
        if let cached = cache.value(key, namespace) { return cached.value }
        let v = try stored(key, namespace)
        if capacity > 0 && (v != nil || !complete) {
            cache.set(key, namespace, CachedStateValue(v, dirty: false, stored: v != nil))
            try evictIfFull()
        }
        return v
    }

    /// Changes the value in the cache. A value that is removed before it ever reached RocksDB
    /// leaves the cache at once and costs RocksDB nothing (a window that fires between two
    /// checkpoints is never written).
    @inlinable
    @discardableResult
    public func upsert(_ key: K, _ namespace: N, _ body: (inout V?) throws -> Void) throws -> Bool {
        guard capacity > 0 else { return try writeThrough(key, namespace, body) }
        var absent = false
        var missing = false
        try cache.upsert(key, namespace) { entry in
            guard var e = entry else { missing = true; return }
            absent = e.value == nil
            try body(&e.value)
            if e.value == nil && !e.stored {
                entry = nil
                return
            }
            e.dirty = true
            entry = e
        }
        if missing {
            var v = try stored(key, namespace)
            absent = v == nil
            try body(&v)
            if v != nil || !absent {
                cache.set(key, namespace, CachedStateValue(v, dirty: true, stored: !absent))
                try evictIfFull()
            }
        }
        return absent
    }

    @inlinable
    @discardableResult
    public func removeValue(_ key: K, _ namespace: N) throws -> V? {
        var old: V?
        try upsert(key, namespace) { v in
            old = v
            v = nil
        }
        return old
    }

    /// Without a cache: read, change and write RocksDB directly.
    @usableFromInline
    func writeThrough(_ key: K, _ namespace: N, _ body: (inout V?) throws -> Void) throws -> Bool {
        var v = try stored(key, namespace)
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

    @usableFromInline
    func evictIfFull() throws {
        guard cache.count > capacity else { return }
        try flush()
        cache = StateHashMap()
        complete = false
    }

    /// Writes every dirty entry to RocksDB in one batch, in key order, and marks it clean;
    /// removed values leave the cache. In key order because a memtable is a skip list: an
    /// insert next to the previous one can reuse its search path (memtable inserts were 37%
    /// of a profile of `bin/bench keyed-checkpointed --backend rocksdb` in hash order, 27%
    /// sorted).
    public func flush() throws {
        var dirty: [(K, N)] = []
        var keys: [UInt8] = []
        var values = BinaryWriter(capacity: 1024)
        /// Byte ranges of each write's key and value in `keys` and `values` (no value: a delete).
        var writes: [(key: Range<Int>, value: Range<Int>?)] = []
        cache.forEach { key, namespace, entry in
            guard entry.dirty else { return }
            dirty.append((key, namespace))
            store.buildKey(key, namespace)
            let keyStart = keys.count
            keys.append(contentsOf: store.keyBuffer.bytes)
            if let v = entry.value {
                let valueStart = values.bytes.count
                values.writeInt64(0)
                codec.encode(v, &values)
                writes.append((keyStart..<keys.count, valueStart..<values.bytes.count))
            } else if entry.stored {
                writes.append((keyStart..<keys.count, nil))
            }
        }
        guard !dirty.isEmpty else { return }
        if !writes.isEmpty {
            let batch = RocksDBWriteBatch()
            keys.withUnsafeBytes { k in
                values.bytes.withUnsafeBytes { v in
                    guard let base = k.baseAddress else { return }  // never: every write has a key
                    writes.sort { a, b in
                        let common = min(a.key.count, b.key.count)
                        let order = memcmp(base + a.key.lowerBound, base + b.key.lowerBound, common)
                        return order != 0 ? order < 0 : a.key.count < b.key.count
                    }
                    for write in writes {
                        let key = UnsafeRawBufferPointer(rebasing: k[write.key])
                        if let value = write.value {
                            batch.put(family, key: key, value: UnsafeRawBufferPointer(rebasing: v[value]))
                        } else {
                            batch.delete(family, key: key)
                        }
                    }
                }
            }
            try store.db.write(batch)
        }
        for (key, namespace) in dirty {
            _ = cache.upsert(key, namespace) { entry in
                guard var e = entry else { return }
                guard e.value != nil else {
                    entry = nil
                    return
                }
                e.dirty = false
                e.stored = true
                entry = e
            }
        }
    }
}
