// The heap keyed state backend of one operator instance: current key, state tables, TTL clock.

import RivuletCore

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

    public init(operatorName: String, keyGroupRange: KeyGroupRange, maxParallelism: Int,
                clock: @escaping () -> Int64) {
        self.operatorName = operatorName
        self.keyGroupRange = keyGroupRange
        self.maxParallelism = maxParallelism
        self.clock = clock
    }

    /// Sets the key that state handles address.
    @inlinable
    public func setCurrentKey(_ key: K) { _currentKey = key }

    /// The current key; throws outside a keyed context.
    @inlinable
    public func currentKey(for state: String) throws -> K {
        guard let key = _currentKey else {
            throw StateAccessError("state '\(state)' of operator '\(operatorName)' was used with no current key (only inside processing of an element or a timer)")
        }
        return key
    }

    /// Returns the table registered under `name`, creating it; a second registration with a
    /// different kind or type is an error naming both.
    @inlinable
    public func table<N: StateNamespace, V>(_ name: String, kind: String, namespace: N.Type, value: V.Type) throws -> HeapStateTable<K, N, V> {
        let signature = "\(kind)<\(V.self)>"
        if let existing = registered[name] {
            guard existing.signature == signature, let table = existing.table as? HeapStateTable<K, N, V> else {
                throw StateAccessError("state '\(name)' of operator '\(operatorName)' is registered as \(existing.signature) and cannot be used as \(signature)")
            }
            return table
        }
        let table = HeapStateTable<K, N, V>(name: name)
        registered[name] = (signature, table)
        return table
    }

    /// Returns the `StateHashMap` registered under `name`, creating it (for operators whose
    /// own state is on the hot path: keyed reduce).
    @inlinable
    public func stateMap<N: StateNamespace, V>(_ name: String, kind: String, namespace: N.Type, value: V.Type) throws -> StateHashMap<K, N, V> {
        let signature = "\(kind)<\(V.self)>"
        if let existing = registered[name] {
            guard existing.signature == signature, let map = existing.table as? StateHashMap<K, N, V> else {
                throw StateAccessError("state '\(name)' of operator '\(operatorName)' is registered as \(existing.signature) and cannot be used as \(signature)")
            }
            return map
        }
        let map = StateHashMap<K, N, V>()
        registered[name] = (signature, map)
        return map
    }


    // MARK: State handles

    /// A `ValueState` for the current key.
    @inlinable
    public func valueState<V>(_ descriptor: ValueStateDescriptor<V>) throws -> ValueState<V> {
        let table = try self.table(descriptor.name, kind: "ValueState", namespace: VoidNamespace.self, value: V.self)
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
                return result
            },
            set: { [self] value in
                let key = try self.currentKey(for: name)
                table.map.set(key, VoidNamespace(), value.map { TtlValue($0, lastAccess: ttl == nil ? 0 : self.clock()) })
            })
    }

    /// A `ListState` for the current key.
    @inlinable
    public func listState<T>(_ descriptor: ListStateDescriptor<T>) throws -> ListState<T> {
        let table = try self.table(descriptor.name, kind: "ListState", namespace: VoidNamespace.self, value: [TtlValue<T>].self)
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
                return live.map(\.value)
            },
            add: { [self] values in
                let key = try self.currentKey(for: name)
                let now = ttl == nil ? 0 : self.clock()
                table.map.upsert(key, VoidNamespace()) { entry in
                    var list = entry?.value ?? []
                    entry = nil   // leave `list` uniquely referenced
                    list.append(contentsOf: values.lazy.map { TtlValue($0, lastAccess: now) })
                    entry = TtlValue(list, lastAccess: now)
                }
            },
            set: { [self] values in
                let key = try self.currentKey(for: name)
                let now = ttl == nil ? 0 : self.clock()
                table.map.set(key, VoidNamespace(),
                              values.isEmpty ? nil : TtlValue(values.map { TtlValue($0, lastAccess: now) }, lastAccess: now))
            })
    }

    /// A `MapState` for the current key.
    @inlinable
    public func mapState<UK, UV>(_ descriptor: MapStateDescriptor<UK, UV>) throws -> MapState<UK, UV> {
        let table = try self.table(descriptor.name, kind: "MapState", namespace: VoidNamespace.self, value: [UK: TtlValue<UV>].self)
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
                    if ttl?.updateType == .onReadAndWrite { entry?.value[userKey]?.lastAccess = now }
                    result = e.value
                }
                return result
            },
            put: { [self] userKey, value in
                let key = try self.currentKey(for: name)
                let now = ttl == nil ? 0 : self.clock()
                table.map.upsert(key, VoidNamespace()) { entry in
                    if let value {
                        var map = entry?.value ?? [:]
                        entry = nil   // leave `map` uniquely referenced
                        map[userKey] = TtlValue(value, lastAccess: now)
                        entry = TtlValue(map, lastAccess: now)
                    } else {
                        entry?.value[userKey] = nil
                        if entry?.value.isEmpty == true { entry = nil }
                    }
                }
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
