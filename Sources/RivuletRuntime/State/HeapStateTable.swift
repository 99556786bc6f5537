// The heap backend's storage for one keyed state: (key, namespace) -> value with its TTL stamp.

import RivuletCore

/// A state table that can say how many entries it holds, whatever its types.
public protocol CountedStateTable: AnyObject {
    var count: Int { get }
}

/// One keyed state of the heap backend. Entries carry their last-access time for TTL.
/// Confined to the owning task's thread.
public final class HeapStateTable<K: StreamKey, N: StateNamespace, V>: CountedStateTable {
    /// The entries.
    public let map = StateHashMap<K, N, TtlValue<V>>()
    public let name: String
    /// Where incremental TTL cleanup goes on: the slot after the last one it checked.
    @usableFromInline var cleanupCursor = 0

    public init(name: String) {
        self.name = name
    }

    /// Number of entries (for tests and metrics).
    public var count: Int { map.count }

    /// Incremental TTL cleanup (Flink's `cleanupIncrementally`): checks the next
    /// `ttl.cleanup.incrementalSize` slots of the table, going round it access by access, and
    /// removes the entries that outlived the TTL. Keys that stop arriving so leave the state
    /// within a sweep of the table; without it they stayed until read.
    @inlinable
    public func cleanUpIncrementally(_ ttl: StateTtlConfig, now: Int64) {
        let size = ttl.cleanup.incrementalSize
        guard size > 0, map.count > 0 else { return }
        let ttlMillis = ttl.ttlMillis
        cleanupCursor = map.removeEntries(from: cleanupCursor, visiting: size) { $0.hasOutlived(ttlMillis, now: now) }
    }
}
