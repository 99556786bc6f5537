// Configuration keys of keyed state: which backend, and how RocksDB is tuned.

/// Where keyed state lives.
public enum StateBackendType: String, CaseIterable, Sendable {
    /// Hash maps on the heap (Flink's `hashmap`, accepted as a synonym).
    case heap
    /// An embedded RocksDB per operator subtask.
    case rocksdb
}

/// `state.backend.*` (Flink's StateBackendOptions and RocksDBOptions).
public enum StateBackendOptions: ConfigOptionGroup {
    public static let title = "State backends"

    public static let type = ConfigOption<StateBackendType>.choice(
        "state.backend.type", default: .heap, aliases: ["hashmap": .heap], "Keyed state backend: heap (hash maps; hashmap is a synonym) or rocksdb.")
    public static let incremental = ConfigOption<Bool>.boolean(
        "state.backend.incremental", default: false, "RocksDB: upload only new SST files at each checkpoint.")
    public static let rocksDBLocalDirectory = ConfigOption<String>.text(
        "state.backend.rocksdb.localdir", default: "", "RocksDB working directory (default: a directory under the system temp dir).")
    public static let rocksDBBlockCacheSize = ConfigOption<Int>.bytes(
        "state.backend.rocksdb.block-cache-size", default: "64 mb", "RocksDB block cache per operator subtask.")
    public static let rocksDBWriteBufferSize = ConfigOption<Int>.bytes(
        "state.backend.rocksdb.write-buffer-size", default: "32 mb", "RocksDB memtable size per column family.")
    public static let rocksDBWriteCacheEntries = ConfigOption<Int>.integer(
        "state.backend.rocksdb.write-cache-entries", default: 262_144, in: 0...Int.max,
        "Entries of a keyed reduce or window state cached in memory before they are written to RocksDB (0: none); timers kept in memory per timer queue (at least 128)."
    )
    public static let rocksDBUseBloomFilter = ConfigOption<Bool>.boolean(
        "state.backend.rocksdb.use-bloom-filter", default: true,
        "RocksDB bloom filters in SST files and memtables: a lookup of an absent key skips the files that cannot hold it.")
    public static let rocksDBBloomFilterBitsPerKey = ConfigOption<Int>.integer(
        "state.backend.rocksdb.bloom-filter.bits-per-key", default: 10, in: 1...64,
        "Bits per key of the RocksDB bloom filters (about 1% false positives at 10).")

    public static let options = [
        type.erased, incremental.erased, rocksDBLocalDirectory.erased, rocksDBBlockCacheSize.erased, rocksDBWriteBufferSize.erased,
        rocksDBWriteCacheEntries.erased, rocksDBUseBloomFilter.erased, rocksDBBloomFilterBitsPerKey.erased,
    ]
}

extension Configuration {
    /// True when `state.backend.type` selects RocksDB.
    public var usesRocksDB: Bool { self[StateBackendOptions.type] == .rocksdb }
}
