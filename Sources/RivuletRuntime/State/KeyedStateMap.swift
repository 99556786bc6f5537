// The keyed map an operator keeps its own per-key state in, on either backend.

import RivuletCore

/// A map from (key, namespace) to a value, registered as one state of a keyed backend:
/// `StateHashMap` on the heap backend, `RocksDBStateMap` on RocksDB. Operators whose own state
/// is on the hot path (keyed reduce, windows) are generic over it, so each backend's code is
/// specialised.
public protocol KeyedStateMap<Key, Namespace, Value>: AnyObject {
    associatedtype Key: StreamKey
    associatedtype Namespace: StateNamespace & BinaryCodable
    associatedtype Value
    /// Creates the map as state `name` of `backend` (restoring it when the backend restores).
    static func register(_ name: String, signature: String, in backend: KeyedStateBackend<Key>) throws -> Self
    func value(_ key: Key, _ namespace: Namespace) throws -> Value?
    /// Lets `body` change the value in place (nil: absent; setting nil removes it). Returns
    /// whether the entry was absent before.
    @discardableResult
    func upsert(_ key: Key, _ namespace: Namespace, _ body: (inout Value?) throws -> Void) throws -> Bool
    @discardableResult
    func removeValue(_ key: Key, _ namespace: Namespace) throws -> Value?
    /// Starts loading the entry of (key, namespace) into the cache ahead of an access (a hint;
    /// the default does nothing).
    func prefetch(_ key: Key, _ namespace: Namespace)
    /// Whether a batch should prefetch its entries: the map is larger than the cache (the
    /// default: no).
    var prefetchPays: Bool { get }
}

extension KeyedStateMap {
    @inlinable public func prefetch(_ key: Key, _ namespace: Namespace) {}
    @inlinable public var prefetchPays: Bool { false }
}

extension StateHashMap: KeyedStateMap where N: BinaryCodable {
    public static func register(_ name: String, signature: String, in backend: KeyedStateBackend<K>) throws -> StateHashMap<K, N, V> {
        let map = StateHashMap<K, N, V>()
        try backend.registerMap(
            name, signature: signature, map: map,
            entries: .plainValue(state: name, operatorName: backend.operatorName))
        return map
    }
}
