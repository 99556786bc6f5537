// Timers are keyed state: they are snapshotted by key group with the other states.

import RivuletCore

extension KeyedStateBackend {
    /// Registers a timer service's event- and processing-time timers as the state `name`
    /// (entries: key, namespace, domain byte 0 event / 1 processing, timestamp).
    public func registerTimers<N: StateNamespace & BinaryCodable>(_ name: String, _ service: InternalTimerService<K, N>) throws {
        let maxParallelism = self.maxParallelism
        if let rocks {
            let timers = RocksDBTimerStore<K, N>(store: rocks, family: try rocks.family(name))
            service.external = ExternalTimerQueue(
                register: { try timers.register(domain: $0, timestamp: $1, key: $2, namespace: $3) },
                delete: { try timers.delete(domain: $0, timestamp: $1, key: $2, namespace: $3) },
                peekTime: { try timers.peekTime(domain: $0) },
                popDue: { try timers.popDue(domain: $0, upTo: $1, limit: $2) },
                count: { timers.counts[Int($0)] },
                all: { try timers.all() })
        }
        try register(name, signature: "Timers<\(N.self)>", participant: KeyedStateParticipant(
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
