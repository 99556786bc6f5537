// The heap keyed state backend of one operator instance: current key, state tables, TTL clock.

import RivuletCore
import RivuletRocksDB

/// Holds the keyed state of one operator subtask for its key-group range, in hash maps.
/// The operator sets `currentKey` before each record or timer; state handles read it.
/// Confined to the task's thread.
public final class KeyedStateBackend<K: StreamKey> {
    public let operatorName: String
    public let keyGroupRange: KeyGroupRange
    public let maxParallelism: Int
    /// Processing-time clock for TTL, in milliseconds.
    public let clock: () -> Int64
    @exclusivity(unchecked) @usableFromInline var _currentKey: K?
    /// Registered states by name: kind and type, to refuse a second registration of another type.
    @usableFromInline var registered: [String: (signature: String, table: AnyObject)] = [:]
    /// How each registered state writes itself into a snapshot.
    @usableFromInline var participants: [String: (signature: String, participant: KeyedStateParticipant)] = [:]
    /// Restored states not registered yet: applied on registration, carried into snapshots until then.
    @usableFromInline var pendingRestore: [String: KeyedStateSnapshot.State] = [:]
    /// True when every state must be serializable (checkpointing is on): registering a state
    /// whose type is not BinaryCodable fails at once instead of at the first checkpoint.
    public let requiresSerializableState: Bool
    /// The RocksDB database, when `state.backend.type` is rocksdb (nil: the heap backend).
    public let rocks: RocksDBKeyedStore?
    /// Names of the states kept in RocksDB column families.
    @usableFromInline var rocksStates: Set<String> = []
    /// Write caches to empty into RocksDB before a snapshot.
    var flushers: [() throws -> Void] = []

    /// Registers a write cache that must reach RocksDB before each snapshot.
    public func addFlusher(_ flush: @escaping () throws -> Void) {
        flushers.append(flush)
    }

    public init(
        operatorName: String, keyGroupRange: KeyGroupRange, maxParallelism: Int,
        clock: @escaping () -> Int64, restored: KeyedStateSnapshot? = nil,
        requiresSerializableState: Bool = false, rocks: RocksDBKeyedStore? = nil
    ) {
        self.rocks = rocks
        self.operatorName = operatorName
        self.keyGroupRange = keyGroupRange
        self.maxParallelism = maxParallelism
        self.clock = clock
        self.pendingRestore = restored?.restricted(to: keyGroupRange).states ?? [:]
        self.requiresSerializableState = requiresSerializableState
    }

    /// The backend of an operator subtask: its key groups, clock and restored state come from
    /// the context, which snapshots it at checkpoints.
    public convenience init(context: OperatorContext) throws {
        var store: RocksDBKeyedStore?
        if context.configuration.usesRocksDB {
            let opened = try RocksDBKeyedStore(
                settings: RocksDBBackendSettings(context.configuration), operatorUID: context.uid,
                subtask: context.subtaskIndex, runID: context.runID,
                maxParallelism: context.maxParallelism)
            context.addDisposer { opened.dispose() }
            store = opened
        }
        self.init(
            operatorName: context.operatorName, keyGroupRange: context.keyGroupRange,
            maxParallelism: context.maxParallelism, clock: context.processingTimeService.clock,
            restored: context.restored?.keyed,
            requiresSerializableState: context.checkpointingEnabled || store != nil, rocks: store)
        context.keyedSnapshot = { [unowned self] savepoint in try self.snapshot(savepoint: savepoint) }
        if let store, store.settings.incremental {
            let tracker = store.tracker
            context.addCheckpointListener(SSTConfirmation(tracker: tracker))
        }
    }

    /// Sets the key that state handles address.
    @inlinable
    public func setCurrentKey(_ key: K) { _currentKey = key }

    /// The current key; throws outside a keyed context.
    @inlinable
    public func currentKey(for state: String) throws -> K {
        guard let key = _currentKey else {
            throw StateAccessError(
                "state '\(state)' of operator '\(operatorName)' was used with no current key (only inside processing of an element or a timer)")
        }
        return key
    }

    /// Returns the table registered under `name`, creating it; a second registration with a
    /// different kind or type is an error naming both.
    @inlinable
    public func table<N: StateNamespace & BinaryCodable, V>(
        _ name: String, kind: String, namespace: N.Type, value: V.Type,
        entries: KeyedEntryFormat<K, N, TtlValue<V>>, ttl: StateTtlConfig? = nil
    ) throws -> HeapStateTable<K, N, V> {
        let signature = "\(kind)<\(V.self)>"
        if let existing = registered[name] {
            guard existing.signature == signature, let table = existing.table as? HeapStateTable<K, N, V> else {
                throw StateAccessError(
                    "state '\(name)' of operator '\(operatorName)' is registered as \(existing.signature) and cannot be used as \(signature)")
            }
            return table
        }
        let table = HeapStateTable<K, N, V>(name: name)
        registered[name] = (signature, table)
        var expired: ((TtlValue<V>, Int64) -> Bool)?
        if let ttl, ttl.cleanup.inFullSnapshot {
            let ttlMillis = ttl.ttlMillis
            expired = { entry, now in entry.hasOutlived(ttlMillis, now: now) }
        }
        try registerMap(name, signature: signature, map: table.map, entries: entries, expired: expired)
        return table
    }

    /// The entries state `name` holds now, expired ones included until cleanup removes them:
    /// (key, namespace) entries on the heap, database entries on RocksDB (one per user key of
    /// a map state; counted by a scan of the column family). For tests and metrics.
    public func entryCount(_ name: String) throws -> Int {
        guard let registration = registered[name] else {
            throw StateAccessError("operator '\(operatorName)' has no state '\(name)'")
        }
        if let table = registration.table as? any CountedStateTable { return table.count }
        if let rocks, let family = registration.table as? RocksDB.ColumnFamily { return try rocks.entryCount(family) }
        throw StateAccessError("state '\(name)' of operator '\(operatorName)' cannot count its entries")
    }

    // MARK: Snapshots

    /// Registers how the state `name` is written to and read from snapshots, and applies its
    /// restored entries. A restored state of another kind or type is an error naming both.
    public func register(_ name: String, signature: String, participant: KeyedStateParticipant) throws {
        if let restored = pendingRestore.removeValue(forKey: name) {
            guard restored.signature == signature else {
                throw StateAccessError(
                    "restored state '\(name)' of operator '\(operatorName)' is \(restored.signature), but the job declares \(signature)")
            }
            for group in restored.keyGroups.keys.sorted() {
                guard let bytes = restored.keyGroups[group] else { continue }
                var reader = BinaryReader(bytes)
                do {
                    while !reader.isAtEnd { try participant.restoreEntry(group, &reader) }
                } catch {
                    throw StateAccessError("restored state '\(name)' of operator '\(operatorName)' is corrupt in key group \(group): \(error)")
                }
            }
            try participant.finishRestore()
        }
        participants[name] = (signature, participant)
    }

    /// Registers a state kept in a `StateHashMap`, written entry by entry in `entries`' format.
    /// Snapshots leave out the entries `expired` matches at the snapshot's processing time
    /// (TTL cleanup in full snapshots; the heap backend's snapshots are all full).
    public func registerMap<N, S>(
        _ name: String, signature: String, map: StateHashMap<K, N, S>,
        entries: KeyedEntryFormat<K, N, S>, expired: ((S, Int64) -> Bool)? = nil
    ) throws {
        if requiresSerializableState { _ = try entries.codecs() }
        let maxParallelism = self.maxParallelism
        let clock = self.clock
        var cached: KeyedEntryFormat<K, N, S>.Codecs?
        func codecs() throws -> KeyedEntryFormat<K, N, S>.Codecs {
            if let cached { return cached }
            let c = try entries.codecs()
            cached = c
            return c
        }
        try register(
            name, signature: signature,
            participant: KeyedStateParticipant(
                snapshot: {
                    let c = try codecs()
                    var groups: [Int: BinaryWriter] = [:]
                    var scratch = BinaryWriter()
                    let now = expired == nil ? 0 : clock()
                    map.forEach { key, namespace, value in
                        if let expired, expired(value, now) { return }
                        let group = KeyGroupRangeAssignment.keyGroup(for: key, maxParallelism: maxParallelism)
                        c.write(key, namespace, value, &groups[group, default: BinaryWriter()], &scratch)
                    }
                    return groups.mapValues(\.bytes)
                },
                restoreEntry: { _, reader in try codecs().read(&reader, map) }))
    }

    /// The synchronous part of a checkpoint: canonical state, or with incremental RocksDB
    /// checkpoints (not for savepoints, which must be self-contained and portable) a native
    /// RocksDB checkpoint to upload in the background.
    public func snapshot(savepoint: Bool) throws -> KeyedSnapshotResult {
        guard let rocks, rocks.settings.incremental, !savepoint else { return .canonical(try snapshot()) }
        for flush in flushers { try flush() }
        var heap = KeyedStateSnapshot(maxParallelism: maxParallelism, states: pendingRestore)
        var families: [String: String] = [:]
        for (name, p) in participants {
            if rocksStates.contains(name) {
                families[name] = p.signature
            } else {
                heap.states[name] = KeyedStateSnapshot.State(signature: p.signature, keyGroups: try p.participant.snapshot())
            }
        }
        let directory = try rocks.nativeCheckpoint()
        return .incremental(
            PendingIncrementalSnapshot(
                localDirectory: directory, maxParallelism: maxParallelism, keyGroupRange: keyGroupRange,
                columnFamilies: families, heap: heap, tracker: rocks.tracker, instanceID: rocks.instanceID))
    }

    /// The keyed state of this subtask in canonical form (registered and still-pending states).
    public func snapshot() throws -> KeyedStateSnapshot {
        for flush in flushers { try flush() }
        var result = KeyedStateSnapshot(maxParallelism: maxParallelism, states: pendingRestore)
        for (name, p) in participants {
            result.states[name] = KeyedStateSnapshot.State(signature: p.signature, keyGroups: try p.participant.snapshot())
        }
        return result
    }

    // MARK: State handles

    /// A `ValueState` for the current key.
    @inlinable
    public func valueState<V>(_ descriptor: ValueStateDescriptor<V>) throws -> ValueState<V> {
        if let rocks { return try rocksValueState(descriptor, rocks) }
        let table = try self.table(
            descriptor.name, kind: "ValueState", namespace: VoidNamespace.self, value: V.self,
            entries: .value(state: descriptor.name, operatorName: operatorName), ttl: descriptor.ttl)
        let ttl = descriptor.ttl
        let name = descriptor.name
        return ValueState(
            get: { [self] in
                let key = try self.currentKey(for: name)
                guard ttl != nil else { return table.map.value(key, VoidNamespace())?.value }
                let now = self.clock()
                var result: V?
                table.map.upsert(key, VoidNamespace()) { entry in
                    guard let e = entry else { return }
                    if e.isExpired(ttl, now: now) { entry = nil; return }
                    if ttl?.updateType == .onReadAndWrite { entry?.lastAccess = now }
                    result = e.value
                }
                if let ttl { table.cleanUpIncrementally(ttl, now: now) }
                return result
            },
            set: { [self] value in
                let key = try self.currentKey(for: name)
                guard let ttl else {
                    table.map.set(key, VoidNamespace(), value.map { TtlValue($0, lastAccess: 0) })
                    return
                }
                let now = self.clock()
                table.map.set(key, VoidNamespace(), value.map { TtlValue($0, lastAccess: now) })
                table.cleanUpIncrementally(ttl, now: now)
            })
    }

    /// A `ListState` for the current key.
    @inlinable
    public func listState<T>(_ descriptor: ListStateDescriptor<T>) throws -> ListState<T> {
        if let rocks { return try rocksListState(descriptor, rocks) }
        let table = try self.table(
            descriptor.name, kind: "ListState", namespace: VoidNamespace.self, value: [TtlValue<T>].self,
            entries: .list(state: descriptor.name, operatorName: operatorName), ttl: descriptor.ttl)
        let ttl = descriptor.ttl
        let name = descriptor.name
        return ListState(
            get: { [self] in
                let key = try self.currentKey(for: name)
                guard ttl != nil else { return table.map.value(key, VoidNamespace())?.value.map(\.value) ?? [] }
                let now = self.clock()
                var live: [TtlValue<T>] = []
                table.map.upsert(key, VoidNamespace()) { entry in
                    guard let e = entry else { return }
                    live = e.value.filter { !$0.isExpired(ttl, now: now) }
                    if live.isEmpty { entry = nil; return }
                    let refreshed = ttl?.updateType == .onReadAndWrite ? live.map { TtlValue($0.value, lastAccess: now) } : live
                    entry = TtlValue(refreshed, lastAccess: now)
                }
                if let ttl { table.cleanUpIncrementally(ttl, now: now) }
                return live.map(\.value)
            },
            add: { [self] values in
                let key = try self.currentKey(for: name)
                let now = ttl == nil ? 0 : self.clock()
                table.map.upsert(key, VoidNamespace()) { entry in
                    var list = entry?.value ?? []
                    entry = nil  // leave `list` uniquely referenced
                    list.append(contentsOf: values.lazy.map { TtlValue($0, lastAccess: now) })
                    entry = TtlValue(list, lastAccess: now)
                }
                if let ttl { table.cleanUpIncrementally(ttl, now: now) }
            },
            set: { [self] values in
                let key = try self.currentKey(for: name)
                let now = ttl == nil ? 0 : self.clock()
                table.map.set(
                    key, VoidNamespace(),
                    values.isEmpty ? nil : TtlValue(values.map { TtlValue($0, lastAccess: now) }, lastAccess: now))
                if let ttl { table.cleanUpIncrementally(ttl, now: now) }
            })
    }

    /// A `MapState` for the current key.
    @inlinable
    public func mapState<UK, UV>(_ descriptor: MapStateDescriptor<UK, UV>) throws -> MapState<UK, UV> {
        if let rocks { return try rocksMapState(descriptor, rocks) }
        let table = try self.table(
            descriptor.name, kind: "MapState", namespace: VoidNamespace.self, value: [UK: TtlValue<UV>].self,
            entries: .map(state: descriptor.name, operatorName: operatorName), ttl: descriptor.ttl)
        let ttl = descriptor.ttl
        let name = descriptor.name
        let readAll: () throws -> [UK: UV] = { [self] in
            let key = try self.currentKey(for: name)
            guard ttl != nil else { return table.map.value(key, VoidNamespace())?.value.mapValues(\.value) ?? [:] }
            let now = self.clock()
            var live: [UK: TtlValue<UV>] = [:]
            table.map.upsert(key, VoidNamespace()) { entry in
                guard let e = entry else { return }
                live = e.value.filter { !$0.value.isExpired(ttl, now: now) }
                entry = live.isEmpty ? nil : TtlValue(live, lastAccess: now)
            }
            if let ttl { table.cleanUpIncrementally(ttl, now: now) }
            return live.mapValues(\.value)
        }
        return MapState(
            get: { [self] userKey in
                let key = try self.currentKey(for: name)
                guard ttl != nil else { return table.map.value(key, VoidNamespace())?.value[userKey]?.value }
                let now = self.clock()
                var result: UV?
                table.map.upsert(key, VoidNamespace()) { entry in
                    guard let e = entry?.value[userKey] else { return }
                    if e.isExpired(ttl, now: now) {
                        entry?.value[userKey] = nil
                        if entry?.value.isEmpty == true { entry = nil }
                        return
                    }
                    if ttl?.updateType == .onReadAndWrite {
                        entry?.value[userKey]?.lastAccess = now
                        // The entry's stamp stays the newest of its user keys' (cleanup reads it).
                        entry?.lastAccess = now
                    }
                    result = e.value
                }
                if let ttl { table.cleanUpIncrementally(ttl, now: now) }
                return result
            },
            put: { [self] userKey, value in
                let key = try self.currentKey(for: name)
                let now = ttl == nil ? 0 : self.clock()
                table.map.upsert(key, VoidNamespace()) { entry in
                    if let value {
                        var map = entry?.value ?? [:]
                        entry = nil  // leave `map` uniquely referenced
                        map[userKey] = TtlValue(value, lastAccess: now)
                        entry = TtlValue(map, lastAccess: now)
                    } else {
                        entry?.value[userKey] = nil
                        if entry?.value.isEmpty == true { entry = nil }
                    }
                }
                if let ttl { table.cleanUpIncrementally(ttl, now: now) }
            },
            all: readAll,
            clear: { [self] in
                table.map.set(try self.currentKey(for: name), VoidNamespace(), nil)
            })
    }

    /// A `ReducingState` for the current key.
    @inlinable
    public func reducingState<T>(_ descriptor: ReducingStateDescriptor<T>) throws -> ReducingState<T> {
        let value = try valueState(ValueStateDescriptor<T>(descriptor.name, ttl: descriptor.ttl))
        let reduce = descriptor.reduce
        return ReducingState(value: value, reduce: reduce)
    }

    /// An `AggregatingState` for the current key.
    @inlinable
    public func aggregatingState<F: AggregateFunction>(_ descriptor: AggregatingStateDescriptor<F>) throws -> AggregatingState<F> {
        let value = try valueState(ValueStateDescriptor<F.Accumulator>(descriptor.name, ttl: descriptor.ttl))
        return AggregatingState(value: value, function: descriptor.function)
    }
}
