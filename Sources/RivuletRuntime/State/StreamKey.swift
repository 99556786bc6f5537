// What a key of a keyed stream must be: hashable, sendable and stably serializable.

import RivuletCore

/// A key type: its serialized bytes decide the key group (never `hashValue`, which differs
/// between processes).
public typealias StreamKey = Hashable & Sendable & BinaryCodable

/// A (key, namespace) pair: the address of one state entry in a heap state table.
public struct HeapStateKey<K: Hashable, N: Hashable>: Hashable {
    public var key: K
    public var namespace: N

    @inlinable
    public init(_ key: K, _ namespace: N) {
        self.key = key
        self.namespace = namespace
    }

    @inlinable
    public static func == (a: HeapStateKey, b: HeapStateKey) -> Bool {
        a.key == b.key && a.namespace == b.namespace
    }

    // Written out so it inlines into the specialised state and window code.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        key.hash(into: &hasher)
        namespace.hash(into: &hasher)
    }
}
