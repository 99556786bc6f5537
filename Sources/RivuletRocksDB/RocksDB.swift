// A RocksDB database with named column families: the storage of the RocksDB keyed state backend.

import CRocksDB
import Foundation

/// An open RocksDB database. Every column family that exists on disk is opened with it.
/// Not thread-safe as a Swift object: one owner (a task) uses it at a time.
public final class RocksDB {
    /// A column family of this database.
    public final class ColumnFamily {
        public let name: String
        let handle: OpaquePointer

        init(name: String, handle: OpaquePointer) {
            self.name = name
            self.handle = handle
        }
    }

    /// The directory of the database.
    public let path: String
    @usableFromInline let handle: OpaquePointer
    let options: OpaquePointer
    let tableOptions: OpaquePointer
    let cache: OpaquePointer?
    let writeOptions: OpaquePointer
    let readOptions: OpaquePointer
    private(set) var families: [String: ColumnFamily] = [:]
    private var closed = false
    /// Options of column families created with a compaction filter, and their filters:
    /// RocksDB keeps pointers to both, so they are destroyed only after the database closes.
    private var familyOptions: [OpaquePointer] = []
    private var compactionFilters: [RocksDBCompactionFilter] = []

    /// Opens (or creates) the database at `path` with all of its column families.
    public init(path: String, options config: RocksDBOptions = RocksDBOptions()) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RocksDBError(operation: "open", path: path, message: "the path is a file, not a directory")
        }
        if config.createIfMissing {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw RocksDBError(operation: "open", path: path, message: "cannot create the directory: \(error.localizedDescription)")
            }
        }
        guard let options = rocksdb_options_create() else { throw RocksDBError(operation: "open", path: path, message: "cannot allocate options") }
        self.options = options
        rocksdb_options_set_create_if_missing(options, config.createIfMissing ? 1 : 0)
        rocksdb_options_set_create_missing_column_families(options, 1)
        rocksdb_options_set_write_buffer_size(options, config.writeBufferBytes)
        rocksdb_options_set_max_write_buffer_number(options, Int32(config.maxWriteBufferNumber))
        guard let tableOptions = rocksdb_block_based_options_create() else {
            throw RocksDBError(operation: "open", path: path, message: "cannot allocate options")
        }
        self.tableOptions = tableOptions
        let cache: OpaquePointer?
        if config.blockCacheBytes > 0 {
            guard let lru = rocksdb_cache_create_lru(config.blockCacheBytes) else {
                throw RocksDBError(operation: "open", path: path, message: "cannot allocate a block cache of \(config.blockCacheBytes) bytes")
            }
            rocksdb_block_based_options_set_block_cache(tableOptions, lru)
            cache = lru
        } else {
            cache = nil
        }
        self.cache = cache
        if config.bloomFilterBitsPerKey > 0 {
            // The table options own the policy once it is set.
            rocksdb_block_based_options_set_filter_policy(tableOptions, rocksdb_filterpolicy_create_bloom_full(config.bloomFilterBitsPerKey))
            rocksdb_options_set_memtable_whole_key_filtering(options, 1)
            rocksdb_options_set_memtable_prefix_bloom_size_ratio(options, 0.1)
        }
        rocksdb_options_set_block_based_table_factory(options, tableOptions)
        guard let writeOptions = rocksdb_writeoptions_create() else {
            throw RocksDBError(operation: "open", path: path, message: "cannot allocate options")
        }
        self.writeOptions = writeOptions
        rocksdb_writeoptions_disable_WAL(writeOptions, config.disableWAL ? 1 : 0)
        guard let readOptions = rocksdb_readoptions_create() else {
            throw RocksDBError(operation: "open", path: path, message: "cannot allocate options")
        }
        self.readOptions = readOptions

        // Open with every column family already on disk (RocksDB requires naming them all).
        var names = ["default"]
        var count = 0
        var listError: UnsafeMutablePointer<CChar>?
        if let list = rocksdb_list_column_families(options, path, &count, &listError) {
            names = (0..<count).compactMap { list[$0].map { String(cString: $0) } }
            rocksdb_list_column_families_destroy(list, count)
        }
        if let listError { rocksdb_free(listError) }  // no database yet: it will be created
        if !names.contains("default") { names.insert("default", at: 0) }
        var handles = [OpaquePointer?](repeating: nil, count: names.count)
        let familyOptions = [OpaquePointer?](repeating: options, count: names.count)
        var cNames = names.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var openError: UnsafeMutablePointer<CChar>?
        let opened: OpaquePointer? = cNames.withUnsafeMutableBufferPointer { namePointers in
            namePointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { constNames in
                familyOptions.withUnsafeBufferPointer { opts in
                    rocksdb_open_column_families(
                        options, path, Int32(names.count), constNames.baseAddress,
                        opts.baseAddress, &handles, &openError)
                }
            }
        }
        guard let db = opened, openError == nil else {
            let message = openError.map { String(cString: $0) } ?? "unknown error"
            if let openError { rocksdb_free(openError) }
            rocksdb_readoptions_destroy(readOptions)
            rocksdb_writeoptions_destroy(writeOptions)
            rocksdb_options_destroy(options)
            rocksdb_block_based_options_destroy(tableOptions)
            if let cache { rocksdb_cache_destroy(cache) }
            throw RocksDBError(operation: "open", path: path, message: message)
        }
        handle = db
        for (name, familyHandle) in zip(names, handles) {
            if let familyHandle { families[name] = ColumnFamily(name: name, handle: familyHandle) }
        }
    }

    deinit {
        close()
    }

    /// Closes the database (idempotent). Iterators must be gone first.
    public func close() {
        guard !closed else { return }
        closed = true
        for family in families.values { rocksdb_column_family_handle_destroy(family.handle) }
        families.removeAll()
        rocksdb_close(handle)
        rocksdb_readoptions_destroy(readOptions)
        rocksdb_writeoptions_destroy(writeOptions)
        rocksdb_options_destroy(options)
        familyOptions.forEach { rocksdb_options_destroy($0) }
        familyOptions.removeAll()
        compactionFilters.forEach { $0.destroy() }
        compactionFilters.removeAll()
        rocksdb_block_based_options_destroy(tableOptions)
        if let cache { rocksdb_cache_destroy(cache) }
    }

    /// Deletes the database files at `path` (the database must be closed).
    public static func destroy(path: String) throws {
        guard let options = rocksdb_options_create() else { throw RocksDBError(operation: "open", path: path, message: "cannot allocate options") }
        defer { rocksdb_options_destroy(options) }
        var error: UnsafeMutablePointer<CChar>?
        rocksdb_destroy_db(options, path, &error)
        if let error {
            defer { rocksdb_free(error) }
            throw RocksDBError(operation: "destroy", path: path, message: String(cString: error))
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs a C call that reports failure through `char** errptr`.
    @usableFromInline
    func call<R>(_ operation: String, _ body: (inout UnsafeMutablePointer<CChar>?) -> R) throws -> R {
        var error: UnsafeMutablePointer<CChar>?
        let result = body(&error)
        if let error {
            defer { rocksdb_free(error) }
            throw RocksDBError(operation: operation, path: path, message: String(cString: error))
        }
        return result
    }

    // MARK: Column families

    /// Names of the open column families.
    public var columnFamilyNames: [String] { families.keys.sorted() }

    /// The column family `name`, created if it does not exist. A family this call creates with
    /// `compactionFilter` drops, whenever RocksDB compacts it, the entries the predicate matches
    /// (a family opened from disk with the database keeps the database's options).
    public func columnFamily(_ name: String, compactionFilter: RocksDBCompactionPredicate? = nil) throws -> ColumnFamily {
        if let family = families[name] { return family }
        var familyOptions = options
        if let compactionFilter {
            guard let copy = rocksdb_options_create_copy(options) else {
                throw RocksDBError(operation: "create column family '\(name)'", path: path, message: "cannot allocate options")
            }
            let filter = RocksDBCompactionFilter(compactionFilter)
            rocksdb_options_set_compaction_filter(copy, filter.pointer)
            self.familyOptions.append(copy)
            compactionFilters.append(filter)
            familyOptions = copy
        }
        let created = try call("create column family '\(name)'") { rocksdb_create_column_family(handle, familyOptions, name, &$0) }
        guard let created else {
            throw RocksDBError(operation: "create column family '\(name)'", path: path, message: "no handle returned")
        }
        let family = ColumnFamily(name: name, handle: created)
        families[name] = family
        return family
    }

    /// Compacts all of `family` now (on the calling thread), running its compaction filter
    /// over every entry.
    public func compact(_ family: ColumnFamily) {
        rocksdb_compact_range_cf(handle, family.handle, nil, 0, nil, 0)
    }

    /// Drops the column family `name` and all its data.
    public func dropColumnFamily(_ name: String) throws {
        guard let family = families.removeValue(forKey: name) else { return }
        try call("drop column family '\(name)'") { rocksdb_drop_column_family(handle, family.handle, &$0) }
        rocksdb_column_family_handle_destroy(family.handle)
    }

    // MARK: Reads and writes

    /// Stores `value` at `key`.
    public func put(_ family: ColumnFamily, _ key: [UInt8], _ value: [UInt8]) throws {
        try key.withUnsafeBufferPointer { k in
            try value.withUnsafeBufferPointer { v in
                try k.withMemoryRebound(to: CChar.self) { kc in
                    try v.withMemoryRebound(to: CChar.self) { vc in
                        try call("put") {
                            rocksdb_put_cf(handle, writeOptions, family.handle, kc.baseAddress, kc.count, vc.baseAddress, vc.count, &$0)
                        }
                    }
                }
            }
        }
    }

    /// The value at `key`, or nil.
    public func get(_ family: ColumnFamily, _ key: [UInt8]) throws -> [UInt8]? {
        var length = 0
        let value = try key.withUnsafeBufferPointer { k in
            try k.withMemoryRebound(to: CChar.self) { kc in
                try call("get") { rocksdb_get_cf(handle, readOptions, family.handle, kc.baseAddress, kc.count, &length, &$0) }
            }
        }
        guard let value else { return nil }
        defer { rocksdb_free(value) }
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// Stores `value` at `key`, both given as raw bytes (no copies: the state backend's path).
    @inlinable
    public func put(_ family: ColumnFamily, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        try rawPut(family, key, value)
    }

    @usableFromInline
    func rawPut(_ family: ColumnFamily, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws {
        try call("put") {
            rocksdb_put_cf(
                handle, writeOptions, family.handle, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count,
                value.baseAddress?.assumingMemoryBound(to: CChar.self), value.count, &$0)
        }
    }

    /// Calls `body` with the value at `key` (nil when absent) without copying it out of
    /// RocksDB (a pinned slice, valid only during `body`).
    public func withValue<R>(
        _ family: ColumnFamily, key: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        let pinned = try call("get") {
            rocksdb_get_pinned_cf(handle, readOptions, family.handle, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count, &$0)
        }
        guard let pinned else { return try body(nil) }
        defer { rocksdb_pinnableslice_destroy(pinned) }
        var length = 0
        guard let value = rocksdb_pinnableslice_value(pinned, &length) else { return try body(nil) }
        return try body(UnsafeRawBufferPointer(start: UnsafeRawPointer(value), count: length))
    }

    /// Removes `key`, given as raw bytes.
    public func delete(_ family: ColumnFamily, key: UnsafeRawBufferPointer) throws {
        try call("delete") {
            rocksdb_delete_cf(handle, writeOptions, family.handle, key.baseAddress?.assumingMemoryBound(to: CChar.self), key.count, &$0)
        }
    }

    /// Removes `key`.
    public func delete(_ family: ColumnFamily, _ key: [UInt8]) throws {
        try key.withUnsafeBufferPointer { k in
            try k.withMemoryRebound(to: CChar.self) { kc in
                try call("delete") { rocksdb_delete_cf(handle, writeOptions, family.handle, kc.baseAddress, kc.count, &$0) }
            }
        }
    }

    /// Removes every key in `[start, end)` (for example a key-group range).
    public func deleteRange(_ family: ColumnFamily, from start: [UInt8], to end: [UInt8]) throws {
        try start.withUnsafeBufferPointer { s in
            try end.withUnsafeBufferPointer { e in
                try s.withMemoryRebound(to: CChar.self) { sc in
                    try e.withMemoryRebound(to: CChar.self) { ec in
                        try call("delete range") {
                            rocksdb_delete_range_cf(handle, writeOptions, family.handle, sc.baseAddress, sc.count, ec.baseAddress, ec.count, &$0)
                        }
                    }
                }
            }
        }
    }

    /// Applies a batch atomically.
    public func write(_ batch: RocksDBWriteBatch) throws {
        try call("write batch") { rocksdb_write(handle, writeOptions, batch.handle, &$0) }
    }

    /// An iterator over `family` in bytewise key order.
    public func iterator(_ family: ColumnFamily) -> RocksDBIterator {
        RocksDBIterator(db: self, family: family)
    }

    // MARK: Durability

    /// Flushes the memtables of `family` into SST files.
    public func flush(_ family: ColumnFamily) throws {
        guard let flushOptions = rocksdb_flushoptions_create() else {
            throw RocksDBError(operation: "flush", path: path, message: "cannot allocate flush options")
        }
        defer { rocksdb_flushoptions_destroy(flushOptions) }
        rocksdb_flushoptions_set_wait(flushOptions, 1)
        try call("flush '\(family.name)'") { rocksdb_flush_cf(handle, flushOptions, family.handle, &$0) }
    }

    /// Flushes every column family, then writes a native RocksDB checkpoint to `directory`
    /// (which must not exist): SST files are hard links, so it is cheap and consistent.
    public func createCheckpoint(at directory: String) throws {
        for family in families.values { try flush(family) }
        let checkpoint = try call("create checkpoint object") { rocksdb_checkpoint_object_create(handle, &$0) }
        guard let checkpoint else {
            throw RocksDBError(operation: "checkpoint", path: path, message: "no checkpoint object")
        }
        defer { rocksdb_checkpoint_object_destroy(checkpoint) }
        try call("checkpoint to '\(directory)'") { rocksdb_checkpoint_create(checkpoint, directory, 0, &$0) }
    }
}
