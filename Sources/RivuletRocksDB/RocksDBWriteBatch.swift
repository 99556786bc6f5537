// A batch of writes applied atomically by `RocksDB.write(_:)`.

import CRocksDB

/// Puts and deletes to apply together. Not thread-safe: one owner at a time.
public final class RocksDBWriteBatch {
    let handle: OpaquePointer

    public init() {
        handle = rocksdb_writebatch_create()
    }

    deinit {
        rocksdb_writebatch_destroy(handle)
    }

    /// Number of operations in the batch.
    public var count: Int { Int(rocksdb_writebatch_count(handle)) }

    /// Adds a put of `value` at `key` in `family`.
    public func put(_ family: RocksDB.ColumnFamily, _ key: [UInt8], _ value: [UInt8]) {
        key.withUnsafeBufferPointer { k in
            value.withUnsafeBufferPointer { v in
                k.withMemoryRebound(to: CChar.self) { kc in
                    v.withMemoryRebound(to: CChar.self) { vc in
                        rocksdb_writebatch_put_cf(handle, family.handle, kc.baseAddress, kc.count, vc.baseAddress, vc.count)
                    }
                }
            }
        }
    }

    /// Adds a delete of `key` in `family`.
    public func delete(_ family: RocksDB.ColumnFamily, _ key: [UInt8]) {
        key.withUnsafeBufferPointer { k in
            k.withMemoryRebound(to: CChar.self) { kc in
                rocksdb_writebatch_delete_cf(handle, family.handle, kc.baseAddress, kc.count)
            }
        }
    }

    /// Adds a put of the bytes `value` at the bytes `key` in `family` (both copied).
    public func put(_ family: RocksDB.ColumnFamily, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        rocksdb_writebatch_put_cf(
            handle, family.handle, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count,
            value.baseAddress?.assumingMemoryBound(to: CChar.self), value.count)
    }

    /// Adds a delete of the bytes `key` in `family`.
    public func delete(_ family: RocksDB.ColumnFamily, key: UnsafeRawBufferPointer) {
        rocksdb_writebatch_delete_cf(handle, family.handle, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count)
    }

    /// Empties the batch for reuse.
    public func clear() {
        rocksdb_writebatch_clear(handle)
    }
}
