// The keyed state kinds on the RocksDB backend: every access reads or writes the database.

import RivuletCore
import RivuletRocksDB

extension KeyedStateBackend {
    /// The column family of state `name`, registered for snapshots and restored when the
    /// backend restores. A second registration with another kind or type is an error.
    /// `stampedTTL` is the TTL of a state whose values start with their stamp (value and map
    /// state): compactions and, if asked, full snapshots drop its expired entries.
    public func rocksFamily(_ name: String, signature: String, stampedTTL ttl: StateTtlConfig? = nil) throws -> RocksDB.ColumnFamily {
        guard let rocks else { throw StateAccessError("state '\(name)' of operator '\(operatorName)' needs the RocksDB backend") }
        if let existing = registered[name] {
            guard existing.signature == signature, let family = existing.table as? RocksDB.ColumnFamily else {
                throw StateAccessError(
                    "state '\(name)' of operator '\(operatorName)' is registered as \(existing.signature) and cannot be used as \(signature)")
            }
            return family
        }
        let family = try rocks.family(name, ttl: ttl)
        registered[name] = (signature, family)
        rocksStates.insert(name)
        let snapshotTTL = ttl?.cleanup.inFullSnapshot == true ? ttl?.ttlMillis : nil
        let clock = self.clock
        try register(
            name, signature: signature,
            participant: KeyedStateParticipant(
                snapshot: {
                    guard let ttlMillis = snapshotTTL else { return try rocks.snapshot(name) }
                    let now = clock()
                    return try rocks.snapshot(name) { RocksDBKeyedStore.stampExpired($0, ttlMillis: ttlMillis, now: now) }
                },
                restoreEntry: { group, reader in try rocks.restoreEntry(family, group: group, &reader) },
                finishRestore: { try rocks.finishRestore() }))
        return family
    }

    /// Reads the TTL-stamped value at the key in `rocks`' key buffer: nil when absent or
    /// expired (an expired entry is deleted), refreshing its stamp when reads count as access.
    @inlinable
    public func readLive<V>(
        _ rocks: RocksDBKeyedStore, _ family: RocksDB.ColumnFamily, _ codec: StateCodec<TtlValue<V>>,
        _ ttl: StateTtlConfig?
    ) throws -> V? {
        guard let entry = try rocks.read(family, codec.decode) else { return nil }
        guard ttl != nil else { return entry.value }
        let now = clock()
        if entry.isExpired(ttl, now: now) {
            try rocks.remove(family)
            return nil
        }
        if ttl?.updateType == .onReadAndWrite {
            try rocks.write(family) { codec.encode(TtlValue(entry.value, lastAccess: now), &$0) }
        }
        return entry.value
    }

    @inlinable
    public func rocksValueState<V: BinaryCodable>(_ descriptor: ValueStateDescriptor<V>, _ rocks: RocksDBKeyedStore) throws -> ValueState<V> {
        let family = try rocksFamily(descriptor.name, signature: "ValueState<\(V.self)>", stampedTTL: descriptor.ttl)
        let codec = StateCodec<TtlValue<V>>.ttl(StateCodec<V>.opened(V.self))
        let ttl = descriptor.ttl, name = descriptor.name
        return ValueState(
            get: { [self] in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                return try self.readLive(rocks, family, codec, ttl)
            },
            set: { [self] value in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                if let value {
                    let stamp = ttl == nil ? 0 : self.clock()
                    try rocks.write(family) { codec.encode(TtlValue(value, lastAccess: stamp), &$0) }
                } else {
                    try rocks.remove(family)
                }
            })
    }

    @inlinable
    public func rocksListState<T: BinaryCodable>(_ descriptor: ListStateDescriptor<T>, _ rocks: RocksDBKeyedStore) throws -> ListState<T> {
        let family = try rocksFamily(descriptor.name, signature: "ListState<\([TtlValue<T>].self)>")
        let codec = StateCodec<[TtlValue<T>]>.array(StateCodec<TtlValue<T>>.ttl(StateCodec<T>.opened(T.self)))
        let ttl = descriptor.ttl, name = descriptor.name
        return ListState(
            get: { [self] in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                guard let list = try rocks.read(family, codec.decode) else { return [] }
                guard ttl != nil else { return list.map(\.value) }
                let now = self.clock()
                let live = list.filter { !$0.isExpired(ttl, now: now) }
                if live.isEmpty {
                    try rocks.remove(family)
                } else if live.count != list.count || ttl?.updateType == .onReadAndWrite {
                    let stored = ttl?.updateType == .onReadAndWrite ? live.map { TtlValue($0.value, lastAccess: now) } : live
                    try rocks.write(family) { codec.encode(stored, &$0) }
                }
                return live.map(\.value)
            },
            add: { [self] values in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                let now = ttl == nil ? 0 : self.clock()
                var list = try rocks.read(family, codec.decode) ?? []
                list.append(contentsOf: values.lazy.map { TtlValue($0, lastAccess: now) })
                try rocks.write(family) { codec.encode(list, &$0) }
            },
            set: { [self] values in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                if values.isEmpty {
                    try rocks.remove(family)
                } else {
                    let now = ttl == nil ? 0 : self.clock()
                    try rocks.write(family) { codec.encode(values.map { TtlValue($0, lastAccess: now) }, &$0) }
                }
            })
    }

    @inlinable
    public func rocksMapState<UK: Hashable & BinaryCodable, UV: BinaryCodable>(
        _ descriptor: MapStateDescriptor<UK, UV>,
        _ rocks: RocksDBKeyedStore
    ) throws -> MapState<UK, UV> {
        let family = try rocksFamily(descriptor.name, signature: "MapState<\([UK: TtlValue<UV>].self)>", stampedTTL: descriptor.ttl)
        let codec = StateCodec<TtlValue<UV>>.ttl(StateCodec<UV>.opened(UV.self))
        let ttl = descriptor.ttl, name = descriptor.name
        func buildKey(_ userKey: UK) throws {
            rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
            userKey.encode(to: &rocks.keyBuffer)
        }
        return MapState(
            get: { [self] userKey in
                try buildKey(userKey)
                return try self.readLive(rocks, family, codec, ttl)
            },
            put: { [self] userKey, value in
                try buildKey(userKey)
                if let value {
                    let stamp = ttl == nil ? 0 : self.clock()
                    try rocks.write(family) { codec.encode(TtlValue(value, lastAccess: stamp), &$0) }
                } else {
                    try rocks.remove(family)
                }
            },
            all: { [self] in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                let now = ttl == nil ? 0 : self.clock()
                var result: [UK: UV] = [:]
                try rocks.forEachWithPrefix(family) { k, v in
                    let entry = try codec.decode(&v)
                    if !entry.isExpired(ttl, now: now) { result[try UK(from: &k)] = entry.value }
                }
                return result
            },
            clear: { [self] in
                rocks.buildKey(try self.currentKey(for: name), VoidNamespace())
                try rocks.removePrefix(family)
            })
    }
}
