// The RocksDB database that holds one operator subtask's keyed state.

import Foundation
import RivuletCore
import RivuletRocksDB

/// One RocksDB instance per keyed operator subtask, one column family per state. Keys are
/// `key group (2 bytes, big-endian) ‖ key ‖ namespace [‖ user key]`, so a key-group range is a
/// contiguous key range; values carry the TTL stamp. Confined to the task's thread.
public final class RocksDBKeyedStore {
    public let db: RocksDB
    /// The working directory, deleted by `dispose()`.
    public let path: String
    public let maxParallelism: Int
    public let settings: RocksDBBackendSettings
    var families: [String: RocksDB.ColumnFamily] = [:]
    /// Scratch buffers for keys and values (reused: no allocation per access).
    @exclusivity(unchecked) @usableFromInline var keyBuffer = BinaryWriter(capacity: 128)
    @exclusivity(unchecked) @usableFromInline var valueBuffer = BinaryWriter(capacity: 128)
    var disposed = false
    /// Unique per database instance (names its shared SST files).
    public let instanceID = UUID().uuidString.prefix(12).lowercased()
    /// Which SST files completed checkpoints uploaded (incremental checkpoints).
    public let tracker = SharedSSTTracker()
    var nativeCheckpoints = 0

    /// Opens a fresh database for `uid`'s subtask under the configured local directory.
    public init(settings: RocksDBBackendSettings, operatorUID: String, subtask: Int, runID: String, maxParallelism: Int) throws {
        self.settings = settings
        self.maxParallelism = maxParallelism
        let safe = String(operatorUID.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(40))
        path = (settings.localDirectory as NSString).appendingPathComponent("\(runID)-\(safe)-\(subtask)-\(UUID().uuidString.prefix(8))")
        do {
            db = try RocksDB(path: path, options: settings.options)
        } catch {
            throw StateAccessError("cannot open the RocksDB state of operator '\(operatorUID)' in state.backend.rocksdb.localdir: \(error)")
        }
    }

    deinit { dispose() }

    /// Closes the database and deletes its directory (idempotent).
    public func dispose() {
        guard !disposed else { return }
        disposed = true
        families = [:]
        db.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The clock TTL compaction filters compare stamps with, in milliseconds: the wall clock,
    /// which is the processing time stamps are taken in (compactions run on RocksDB's threads,
    /// away from the task's processing-time service).
    public var compactionClock: @Sendable () -> Int64 = { SystemClock.nowMillis() }

    /// The column family of state `name`. When `ttl` asks for cleanup in compaction, the
    /// family is created with a filter that drops entries whose stamp (the value's first 8
    /// bytes, big-endian) expired: value and map state, whose values start with their stamp.
    public func family(_ name: String, ttl: StateTtlConfig? = nil) throws -> RocksDB.ColumnFamily {
        if let f = families[name] { return f }
        var filter: RocksDBCompactionPredicate?
        if let ttl, ttl.cleanup.inRocksDBCompaction {
            let ttlMillis = ttl.ttlMillis, clock = compactionClock
            filter = { _, value in Self.stampExpired(value, ttlMillis: ttlMillis, now: clock()) }
        }
        let f = try db.columnFamily(name, compactionFilter: filter)
        families[name] = f
        return f
    }

    /// The number of entries in `family`, by a scan.
    public func entryCount(_ family: RocksDB.ColumnFamily) throws -> Int {
        let iterator = db.iterator(family)
        iterator.seekToFirst()
        var count = 0
        while iterator.isValid {
            count += 1
            iterator.next()
        }
        try iterator.checkStatus()
        return count
    }

    /// Whether a value that starts with a TTL stamp expired at `now`.
    @inlinable
    public static func stampExpired(_ value: UnsafeRawBufferPointer, ttlMillis: Int64, now: Int64) -> Bool {
        guard value.count >= 8 else { return false }
        let stamp = Int64(bitPattern: UInt64(bigEndian: value.loadUnaligned(as: UInt64.self)))
        return stamp &+ ttlMillis <= now
    }

    // MARK: Keys

    /// Writes `key group ‖ key ‖ namespace` into the key buffer; the key group comes from the
    /// murmur hash of the key's encoding, exactly as `KeyGroupRangeAssignment` computes it.
    @inlinable
    public func buildKey<K: BinaryCodable, N: BinaryCodable>(_ key: K, _ namespace: N) {
        keyBuffer.reset()
        keyBuffer.writeUInt16(0)
        key.encode(to: &keyBuffer)
        let hash = keyBuffer.bytes.withUnsafeBytes { MurmurHash3.hash32(UnsafeRawBufferPointer(rebasing: $0[2...])) }
        let group = KeyGroupRangeAssignment.keyGroup(forHash: hash, maxParallelism: maxParallelism)
        keyBuffer.bytes[0] = UInt8(truncatingIfNeeded: group >> 8)
        keyBuffer.bytes[1] = UInt8(truncatingIfNeeded: group)
        namespace.encode(to: &keyBuffer)
    }

    // MARK: Access with the key in the key buffer

    /// Decodes the value stored at the key buffer's key, or nil.
    @inlinable
    public func read<V>(_ family: RocksDB.ColumnFamily, _ decode: (inout BinaryReader) throws -> V) throws -> V? {
        try keyBuffer.bytes.withUnsafeBytes { key in
            try db.withValue(family, key: key) { value -> V? in
                guard let value else { return nil }
                var reader = BinaryReader(Array(value))
                return try decode(&reader)
            }
        }
    }

    /// Stores the value `encode` writes at the key buffer's key.
    @inlinable
    public func write(_ family: RocksDB.ColumnFamily, _ encode: (inout BinaryWriter) -> Void) throws {
        valueBuffer.reset()
        encode(&valueBuffer)
        try keyBuffer.bytes.withUnsafeBytes { key in
            try valueBuffer.bytes.withUnsafeBytes { value in try db.put(family, key: key, value: value) }
        }
    }

    /// Deletes the key buffer's key.
    @inlinable
    public func remove(_ family: RocksDB.ColumnFamily) throws {
        try keyBuffer.bytes.withUnsafeBytes { try db.delete(family, key: $0) }
    }

    /// Visits every entry whose key starts with the key buffer's bytes (map state of one key):
    /// `body` gets the rest of the key (the user key) and the value.
    public func forEachWithPrefix(
        _ family: RocksDB.ColumnFamily,
        _ body: (inout BinaryReader, inout BinaryReader) throws -> Void
    ) throws {
        let prefix = keyBuffer.bytes
        let iterator = db.iterator(family)
        prefix.withUnsafeBytes { iterator.seek(raw: $0) }
        while iterator.isValid {
            let more = try iterator.withEntry { key, value -> Bool in
                guard key.count >= prefix.count, key.prefix(prefix.count).elementsEqual(prefix) else { return false }
                var k = BinaryReader(Array(key[prefix.count...]))
                var v = BinaryReader(Array(value))
                try body(&k, &v)
                return true
            }
            if !more { break }
            iterator.next()
        }
        try iterator.checkStatus()
    }

    /// Deletes every entry whose key starts with the key buffer's bytes.
    public func removePrefix(_ family: RocksDB.ColumnFamily) throws {
        let start = keyBuffer.bytes
        var end = start
        while let last = end.last, last == 0xFF { end.removeLast() }
        guard !end.isEmpty else { return }
        end[end.count - 1] += 1
        try db.deleteRange(family, from: start, to: end)
    }

    // MARK: Snapshots

    /// Takes a native RocksDB checkpoint (flush, then hard links) next to the working
    /// directory; returns its directory.
    public func nativeCheckpoint() throws -> String {
        nativeCheckpoints += 1
        let directory = path + "-chk-\(nativeCheckpoints)"
        try? FileManager.default.removeItem(atPath: directory)
        do {
            try db.createCheckpoint(at: directory)
        } catch {
            throw StateAccessError("cannot take a RocksDB checkpoint in \(directory): \(error)")
        }
        return directory
    }

    /// The entries of every key of `family` in canonical form, by key group, leaving out those
    /// `drop` matches (expired entries, when a full snapshot cleans up TTL state).
    public static func canonicalEntries(
        _ db: RocksDB, _ family: RocksDB.ColumnFamily, dropping drop: ((UnsafeRawBufferPointer) -> Bool)? = nil
    ) throws -> [Int: [UInt8]] {
        var groups: [Int: BinaryWriter] = [:]
        let iterator = db.iterator(family)
        iterator.seekToFirst()
        while iterator.isValid {
            iterator.withEntry { key, value in
                guard key.count >= 2 else { return }
                if let drop, drop(value) { return }
                let group = Int(key[0]) << 8 | Int(key[1])
                StateEntryFormat.append(
                    to: &groups[group, default: BinaryWriter()],
                    keyPart: UnsafeRawBufferPointer(rebasing: key[2...]), value: value)
            }
            iterator.next()
        }
        try iterator.checkStatus()
        return groups.mapValues(\.bytes)
    }

    /// The entries of state `name` in the canonical snapshot form, by key group, without the
    /// entries `drop` matches.
    public func snapshot(_ name: String, dropping drop: ((UnsafeRawBufferPointer) -> Bool)? = nil) throws -> [Int: [UInt8]] {
        try Self.canonicalEntries(db, try family(name), dropping: drop)
    }

    /// Restored entries not written yet (written in batches of 16k rather than a put each:
    /// restoring 1M keys went from 2.1 s to 1.7 s, failure to first record, one run each of
    /// `bin/bench restore`).
    var restoreBatch = RocksDBWriteBatch()

    /// Stores one framed canonical entry of key group `group` in state `name`'s family; call
    /// `finishRestore()` after the last one.
    public func restoreEntry(_ family: RocksDB.ColumnFamily, group: Int, _ reader: inout BinaryReader) throws {
        let (keyPart, value) = try StateEntryFormat.read(&reader)
        keyBuffer.reset()
        keyBuffer.writeUInt16(UInt16(group))
        keyBuffer.bytes.append(contentsOf: keyPart.remainingBytes)
        let valueBytes = value.remainingBytes
        keyBuffer.bytes.withUnsafeBytes { key in
            valueBytes.withUnsafeBytes { restoreBatch.put(family, key: key, value: $0) }
        }
        if restoreBatch.count >= 16_384 { try finishRestore() }
    }

    /// Writes the restored entries still in the batch.
    public func finishRestore() throws {
        guard restoreBatch.count > 0 else { return }
        try db.write(restoreBatch)
        restoreBatch.clear()
    }
}
