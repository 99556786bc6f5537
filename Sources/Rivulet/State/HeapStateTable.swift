// The heap backend's storage for one keyed state: a hash map from (key, namespace) to value.

/// One keyed state of the heap backend. Entries carry their last-access time for TTL.
/// Confined to the owning task's thread.
public final class HeapStateTable<K: Hashable, N: Hashable, V> {
    @usableFromInline let storage = TaskConfined<[HeapStateKey<K, N>: TtlValue<V>]>([:])
    public let name: String

    public init(name: String) {
        self.name = name
    }

    /// The entries (confined to the task thread; see `TaskConfined`).
    @inlinable
    public var map: [HeapStateKey<K, N>: TtlValue<V>] {
        unsafeAddress { UnsafePointer(storage.pointer) }
        unsafeMutableAddress { storage.pointer }
    }

    /// Number of entries (for tests and metrics).
    public var count: Int { map.count }
}
