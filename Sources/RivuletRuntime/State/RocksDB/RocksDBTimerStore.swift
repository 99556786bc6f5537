// The timers a keyed operator keeps beyond its memory bound, in RocksDB, ordered by time.

import RivuletCore
import RivuletRocksDB

/// The spill store of a timer service on the RocksDB backend (see `InternalTimerService`):
/// a column family whose keys are
/// `domain (1 byte) ‖ timestamp (8 bytes, big-endian, sign bit flipped) ‖ key ‖ namespace`, so
/// iteration order is firing order and storing a timer twice writes the same key. Writes and
/// deletes are blind (no read first), as in Flink's RocksDB timer queue. Confined to the
/// task's thread.
public final class RocksDBTimerStore<K: BinaryCodable & Hashable, N: BinaryCodable & Hashable> {
    let store: RocksDBKeyedStore
    let family: RocksDB.ColumnFamily
    var keyBuffer = BinaryWriter(capacity: 64)
    /// Per domain, a key no stored timer is below: searches start there instead of walking
    /// over the tombstones of timers taken earlier (a queue in an LSM tree otherwise slows
    /// down with every timer it ever held). Nil: the start of the domain.
    var floors: [[UInt8]?] = [nil, nil]

    public init(store: RocksDBKeyedStore, family: RocksDB.ColumnFamily) {
        self.store = store
        self.family = family
    }

    func buildKey(_ domain: UInt8, _ timer: TimerEntry<K, N>) {
        keyBuffer.reset()
        keyBuffer.writeUInt8(domain)
        keyBuffer.writeUInt64(UInt64(bitPattern: timer.timestamp) ^ (1 << 63))
        timer.key.encode(to: &keyBuffer)
        timer.namespace.encode(to: &keyBuffer)
    }

    /// Stores `timers` in one batch.
    public func write(_ domain: UInt8, _ timers: [TimerEntry<K, N>]) throws {
        let batch = RocksDBWriteBatch()
        let d = Int(domain)
        for timer in timers {
            buildKey(domain, timer)
            batch.put(family, keyBuffer.bytes, [])
            if let floor = floors[d], keyBuffer.bytes.lexicographicallyPrecedes(floor) { floors[d] = keyBuffer.bytes }
        }
        try store.db.write(batch)
    }

    public func delete(_ domain: UInt8, _ timer: TimerEntry<K, N>) throws {
        buildKey(domain, timer)
        try keyBuffer.bytes.withUnsafeBytes { try store.db.delete(family, key: $0) }
    }

    /// Removes and returns up to `limit` of the earliest timers of `domain` in time order,
    /// with the time of the earliest one left (nil: none).
    public func take(_ domain: UInt8, limit: Int) throws -> ([TimerEntry<K, N>], Int64?) {
        let d = Int(domain)
        let iterator = store.db.iterator(family)
        (floors[d] ?? [domain]).withUnsafeBytes { iterator.seek(raw: $0) }
        let batch = RocksDBWriteBatch()
        var taken: [TimerEntry<K, N>] = []
        var last: [UInt8]?
        var next: Int64?
        while iterator.isValid {
            let entry = try iterator.withEntry { key, _ -> (TimerEntry<K, N>, [UInt8])? in
                guard key.first == domain else { return nil }
                let bytes = Array(key)
                var reader = BinaryReader(bytes[1...])
                let timestamp = Int64(bitPattern: try reader.readUInt64() ^ (1 << 63))
                return (TimerEntry(timestamp: timestamp, key: try K(from: &reader), namespace: try N(from: &reader)), bytes)
            }
            guard let (timer, key) = entry else { break }
            if taken.count >= limit {
                next = timer.timestamp
                break
            }
            taken.append(timer)
            batch.delete(family, key)
            last = key
            iterator.next()
        }
        try iterator.checkStatus()
        if let last {
            try store.db.write(batch)
            floors[d] = last
        }
        return (taken, next)
    }

    /// Every stored timer.
    public func all() throws -> [(domain: UInt8, timer: TimerEntry<K, N>)] {
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
