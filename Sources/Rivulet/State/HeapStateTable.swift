// The heap backend's storage for one keyed state: (key, namespace) -> value with its TTL stamp.

import RivuletCore

/// One keyed state of the heap backend. Entries carry their last-access time for TTL.
/// Confined to the owning task's thread.
public final class HeapStateTable<K: StreamKey, N: StateNamespace, V> {
    /// The entries.
    public let map = StateHashMap<K, N, TtlValue<V>>()
    public let name: String

    public init(name: String) {
        self.name = name
    }

    /// Number of entries (for tests and metrics).
    public var count: Int { map.count }
}
