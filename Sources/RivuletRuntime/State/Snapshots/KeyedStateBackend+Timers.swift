// Timers are keyed state: they are snapshotted by key group with the other states.

import RivuletCore

extension KeyedStateBackend {
    /// With the RocksDB backend, the timers a timer service keeps in memory per queue at the
    /// least, whatever the write cache is set to (Flink caches 128 per key group).
    static var minimumTimersInMemory: Int { 128 }

    /// Registers a timer service's event- and processing-time timers as the state `name`
    /// (entries: key, namespace, domain byte 0 event / 1 processing, timestamp).
    public func registerTimers<N: StateNamespace & BinaryCodable>(_ name: String, _ service: InternalTimerService<K, N>) throws {
        let maxParallelism = self.maxParallelism
        if let rocks {
            let timers = RocksDBTimerStore<K, N>(store: rocks, family: try rocks.family(name))
            service.spill(
                to: TimerSpillStore(
                    write: { try timers.write($0, $1) },
                    delete: { try timers.delete($0, $1) },
                    take: { try timers.take($0, limit: $1) },
                    all: { try timers.all() }),
                capacity: max(rocks.settings.writeCacheEntries, Self.minimumTimersInMemory))
        }
        try register(
            name, signature: "Timers<\(N.self)>",
            participant: KeyedStateParticipant(
                snapshot: {
                    var groups: [Int: BinaryWriter] = [:]
                    for (domain, t) in try service.allTimers() {
                        let group = KeyGroupRangeAssignment.keyGroup(for: t.key, maxParallelism: maxParallelism)
                        groups[group, default: BinaryWriter()].append { w in
                            t.key.encode(to: &w); t.namespace.encode(to: &w); w.writeUInt8(domain); w.writeInt64(t.timestamp)
                        }
                    }
                    return groups.mapValues(\.bytes)
                },
                restoreEntry: { _, r in
                    let key = try K(from: &r), namespace = try N(from: &r)
                    let domain = try r.readUInt8(), time = try r.readInt64()
                    switch domain {
                    case 0: service.registerEventTimeTimer(key: key, namespace: namespace, time: time)
                    case 1: service.registerProcessingTimeTimer(key: key, namespace: namespace, time: time)
                    default: throw SerializationError.invalidValue("timer domain \(domain)")
                    }
                }))
    }
}

extension BinaryWriter {
    /// Runs `body` on this writer (lets a dictionary's default-valued writer be appended to in place).
    @inlinable
    public mutating func append(_ body: (inout BinaryWriter) -> Void) { body(&self) }
}
