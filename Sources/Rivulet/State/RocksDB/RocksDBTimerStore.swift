// Timers of one keyed operator in RocksDB, ordered by time.

import RivuletCore
import RivuletRocksDB

/// Event- and processing-time timers in a column family whose keys are
/// `domain (1 byte) ‖ timestamp (8 bytes, big-endian, sign bit flipped) ‖ key ‖ namespace`, so
/// iteration order is firing order and registering a timer twice writes the same key.
/// Confined to the task's thread.
public final class RocksDBTimerStore<K: BinaryCodable & Hashable, N: BinaryCodable & Hashable> {
    let store: RocksDBKeyedStore
    let family: RocksDB.ColumnFamily
    var keyBuffer = BinaryWriter(capacity: 64)
    /// Timers per domain, kept so that "is anything pending" needs no database read.
    var counts: [Int] = [0, 0]

    init(store: RocksDBKeyedStore, family: RocksDB.ColumnFamily) {
        self.store = store
        self.family = family
    }

    func buildKey(domain: UInt8, timestamp: Int64, key: K, namespace: N) {
        keyBuffer.reset()
        keyBuffer.writeUInt8(domain)
        keyBuffer.writeUInt64(UInt64(bitPattern: timestamp) ^ (1 << 63))
        key.encode(to: &keyBuffer)
        namespace.encode(to: &keyBuffer)
    }

    /// Adds a timer; false when it was registered already.
    func register(domain: UInt8, timestamp: Int64, key: K, namespace: N) throws -> Bool {
        buildKey(domain: domain, timestamp: timestamp, key: key, namespace: namespace)
        let exists = try keyBuffer.bytes.withUnsafeBytes { k in try store.db.withValue(family, key: k) { $0 != nil } }
        if exists { return false }
        try keyBuffer.bytes.withUnsafeBytes { k in try [UInt8]().withUnsafeBytes { try store.db.put(family, key: k, value: $0) } }
        counts[Int(domain)] += 1
        return true
    }

    func delete(domain: UInt8, timestamp: Int64, key: K, namespace: N) throws {
        buildKey(domain: domain, timestamp: timestamp, key: key, namespace: namespace)
        let exists = try keyBuffer.bytes.withUnsafeBytes { k in try store.db.withValue(family, key: k) { $0 != nil } }
        guard exists else { return }
        try keyBuffer.bytes.withUnsafeBytes { try store.db.delete(family, key: $0) }
        counts[Int(domain)] -= 1
    }

    /// The earliest timer of `domain`, if any.
    func peek(domain: UInt8) throws -> TimerEntry<K, N>? {
        guard counts[Int(domain)] > 0 else { return nil }
        let iterator = store.db.iterator(family)
        [domain].withUnsafeBytes { iterator.seek(raw: $0) }
        guard iterator.isValid else {
            try iterator.checkStatus()
            return nil
        }
        return try iterator.withEntry { key, _ -> TimerEntry<K, N>? in
            guard key.first == domain else { return nil }
            var reader = BinaryReader(Array(key[1...]))
            let time = Int64(bitPattern: try reader.readUInt64() ^ (1 << 63))
            return TimerEntry(timestamp: time, key: try K(from: &reader), namespace: try N(from: &reader))
        }
    }

    /// Removes and returns the earliest timer of `domain` at or before `time`.
    func popIfDue(domain: UInt8, upTo time: Int64) throws -> TimerEntry<K, N>? {
        guard let first = try peek(domain: domain), first.timestamp <= time else { return nil }
        try delete(domain: domain, timestamp: first.timestamp, key: first.key, namespace: first.namespace)
        return first
    }

    /// Every timer (snapshots).
    func all() throws -> [(domain: UInt8, timer: TimerEntry<K, N>)] {
        var result: [(UInt8, TimerEntry<K, N>)] = []
        let iterator = store.db.iterator(family)
        iterator.seekToFirst()
        while iterator.isValid {
            try iterator.withEntry { key, _ in
                var reader = BinaryReader(Array(key))
                let domain = try reader.readUInt8()
                let time = Int64(bitPattern: try reader.readUInt64() ^ (1 << 63))
                result.append((domain, TimerEntry(timestamp: time, key: try K(from: &reader), namespace: try N(from: &reader))))
            }
            iterator.next()
        }
        try iterator.checkStatus()
        return result
    }
}
