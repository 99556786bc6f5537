// An ordered cursor over one column family (bytewise key order).

import CRocksDB

/// Iterates the keys of a column family in bytewise order. Not thread-safe; it keeps the
/// database open while it lives.
public final class RocksDBIterator {
    let handle: OpaquePointer
    let db: RocksDB
    let readOptions: OpaquePointer

    init(db: RocksDB, family: RocksDB.ColumnFamily) {
        self.db = db
        readOptions = rocksdb_readoptions_create()
        handle = rocksdb_create_iterator_cf(db.handle, readOptions, family.handle)
    }

    deinit {
        rocksdb_iter_destroy(handle)
        rocksdb_readoptions_destroy(readOptions)
    }

    /// True while the cursor is on an entry.
    public var isValid: Bool { rocksdb_iter_valid(handle) != 0 }

    /// Moves to the first key.
    public func seekToFirst() { rocksdb_iter_seek_to_first(handle) }

    /// Moves to the first key at or after `key`.
    public func seek(_ key: [UInt8]) {
        key.withUnsafeBufferPointer { k in
            k.withMemoryRebound(to: CChar.self) { rocksdb_iter_seek(handle, $0.baseAddress, $0.count) }
        }
    }

    /// Moves to the next key.
    public func next() { rocksdb_iter_next(handle) }

    /// Calls `body` with the current key and value in place (call only while `isValid`).
    public func withEntry<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var keyLength = 0, valueLength = 0
        let k = rocksdb_iter_key(handle, &keyLength), v = rocksdb_iter_value(handle, &valueLength)
        return try body(
            UnsafeRawBufferPointer(start: k.map { UnsafeRawPointer($0) }, count: k == nil ? 0 : keyLength),
            UnsafeRawBufferPointer(start: v.map { UnsafeRawPointer($0) }, count: v == nil ? 0 : valueLength))
    }

    /// Moves to the first key at or after the raw `key`.
    public func seek(raw key: UnsafeRawBufferPointer) {
        rocksdb_iter_seek(handle, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count)
    }

    /// The current key (call only while `isValid`).
    public var key: [UInt8] {
        var length = 0
        guard let p = rocksdb_iter_key(handle, &length) else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// The current value (call only while `isValid`).
    public var value: [UInt8] {
        var length = 0
        guard let p = rocksdb_iter_value(handle, &length) else { return [] }
        return p.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// Throws if the iteration stopped because of an error rather than the end.
    public func checkStatus() throws {
        try db.call("iterate") { rocksdb_iter_get_error(handle, &$0) }
    }
}
