// The RocksDB backend's settings, from the job configuration.

import Foundation
import RivuletRocksDB

/// `state.backend.rocksdb.*` and `state.backend.incremental`.
public struct RocksDBBackendSettings: Sendable {
    /// Where each operator subtask keeps its working database.
    public var localDirectory: String
    public var blockCacheBytes: Int
    public var writeBufferBytes: Int
    /// Checkpoints upload only SST files no earlier checkpoint uploaded.
    public var incremental: Bool
    /// Entries an operator-internal state (keyed reduce, window contents) keeps in its
    /// write-back cache in front of RocksDB (0: none).
    public var writeCacheEntries: Int
    /// Bits per key of RocksDB's bloom filters (0: none).
    public var bloomFilterBitsPerKey: Int

    public init(_ configuration: Configuration) {
        let configured = configuration[StateBackendOptions.rocksDBLocalDirectory]
        localDirectory = configured.isEmpty ? NSTemporaryDirectory() + "rivulet-rocksdb" : configured
        blockCacheBytes = configuration[StateBackendOptions.rocksDBBlockCacheSize]
        writeBufferBytes = configuration[StateBackendOptions.rocksDBWriteBufferSize]
        incremental = configuration[StateBackendOptions.incremental]
        writeCacheEntries = configuration[StateBackendOptions.rocksDBWriteCacheEntries]
        bloomFilterBitsPerKey =
            configuration[StateBackendOptions.rocksDBUseBloomFilter]
            ? configuration[StateBackendOptions.rocksDBBloomFilterBitsPerKey] : 0
    }

    /// The options every state database opens with.
    var options: RocksDBOptions {
        var o = RocksDBOptions()
        o.blockCacheBytes = blockCacheBytes
        o.writeBufferBytes = writeBufferBytes
        o.disableWAL = true
        o.bloomFilterBitsPerKey = Double(bloomFilterBitsPerKey)
        return o
    }
}
