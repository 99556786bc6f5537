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
    /// Per domain, a key no live timer is below: searches start there instead of walking
    /// over the tombstones of fired timers (a queue in an LSM tree otherwise slows down with
    /// every timer it ever fired).
    var floors: [[UInt8]?] = [nil, nil]

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
        if let floor = floors[Int(domain)], keyBuffer.bytes.lexicographicallyPrecedes(floor) { floors[Int(domain)] = keyBuffer.bytes }
        return true
    }

    func delete(domain: UInt8, timestamp: Int64, key: K, namespace: N) throws {
        buildKey(domain: domain, timestamp: timestamp, key: key, namespace: namespace)
        let exists = try keyBuffer.bytes.withUnsafeBytes { k in try store.db.withValue(family, key: k) { $0 != nil } }
        guard exists else { return }
        try keyBuffer.bytes.withUnsafeBytes { try store.db.delete(family, key: $0) }
        counts[Int(domain)] -= 1
    }

    /// The time of the earliest timer of `domain`, if any.
    func peekTime(domain: UInt8) throws -> Int64? {
        try scan(domain: domain, upTo: Int64.max, limit: 1, remove: false).first?.timestamp
    }

    /// Removes and returns, in time order, up to `limit` timers of `domain` due at `time`.
    func popDue(domain: UInt8, upTo time: Int64, limit: Int) throws -> [TimerEntry<K, N>] {
        try scan(domain: domain, upTo: time, limit: limit, remove: true)
    }

    func scan(domain: UInt8, upTo time: Int64, limit: Int, remove: Bool) throws -> [TimerEntry<K, N>] {
        guard counts[Int(domain)] > 0 else { return [] }
        let iterator = store.db.iterator(family)
        (floors[Int(domain)] ?? [domain]).withUnsafeBytes { iterator.seek(raw: $0) }
        var result: [TimerEntry<K, N>] = []
        let batch = remove ? RocksDBWriteBatch() : nil
        var last: [UInt8]?
        while iterator.isValid && result.count < limit {
            let entry = try iterator.withEntry { key, _ -> (TimerEntry<K, N>, [UInt8])? in
                guard key.first == domain else { return nil }
                let bytes = Array(key)
                var reader = BinaryReader(bytes[1...])
                let timestamp = Int64(bitPattern: try reader.readUInt64() ^ (1 << 63))
                guard timestamp <= time else { return nil }
                return (TimerEntry(timestamp: timestamp, key: try K(from: &reader), namespace: try N(from: &reader)), bytes)
            }
            guard let (timer, key) = entry else { break }
            result.append(timer)
            batch?.delete(family, key)
            last = key
            iterator.next()
        }
        try iterator.checkStatus()
        if let batch, let last {
            try store.db.write(batch)
            counts[Int(domain)] -= result.count
            floors[Int(domain)] = last
        }
        return result
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
