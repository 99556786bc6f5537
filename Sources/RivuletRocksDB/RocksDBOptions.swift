// Tuning of a RocksDB instance: local directory creation, block cache and write buffers.

/// Options for opening a `RocksDB` (the subset the keyed state backend configures).
public struct RocksDBOptions: Sendable, Hashable {
    /// Create the database if the directory holds none.
    public var createIfMissing: Bool = true
    /// Shared LRU block cache size in bytes (0: RocksDB's default).
    public var blockCacheBytes: Int = 64 << 20
    /// Memtable size per column family in bytes.
    public var writeBufferBytes: Int = 64 << 20
    /// Memtables per column family before writes stall.
    public var maxWriteBufferNumber: Int = 2
    /// Write without the write-ahead log: state is made durable by checkpoints, not the WAL.
    public var disableWAL: Bool = true
    /// Bits per key of the bloom filters in SST files and memtables (0: none). A lookup of a
    /// key that is not there (the first access to every new key or window) then skips the
    /// files that cannot hold it instead of searching a data block of each.
    public var bloomFilterBitsPerKey: Double = 10

    public init() {}
}
