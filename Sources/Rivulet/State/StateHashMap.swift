// The hash map behind the hottest keyed state: open addressing, murmur-based hashes, in-place updates.

import RivuletCore

/// A map from (key, namespace) to a value for one operator subtask. Compared with `Dictionary`
/// it hashes with the key's murmur3 `keyHash()` (no SipHash), and `upsert` updates a value in
/// place without the `_modify` coroutine, whose frame Dictionary allocates on every call.
/// Linear probing, backward-shift deletion, load factor at most 1/2.
/// Confined to one task's thread (not Sendable).
public final class StateHashMap<K: StreamKey, N: StateNamespace, V> {
    // Task-confined and never accessed re-entrantly: no run-time exclusivity checks.
    @exclusivity(unchecked) @usableFromInline var hashes: UnsafeMutablePointer<UInt32>   // 0 = empty slot
    @exclusivity(unchecked) @usableFromInline var keys: UnsafeMutablePointer<K>
    @exclusivity(unchecked) @usableFromInline var namespaces: UnsafeMutablePointer<N>
    @exclusivity(unchecked) @usableFromInline var values: UnsafeMutablePointer<V>
    @exclusivity(unchecked) @usableFromInline var capacity: Int
    @exclusivity(unchecked) @usableFromInline var mask: Int
    /// Number of entries.
    @exclusivity(unchecked) public private(set) var count = 0
    /// The slot found by the last lookup: a read-modify-write of one key (value() then
    /// update()) finds it again with a key comparison instead of hashing and probing.
    /// Reset whenever entries move (removal's backward shift, growth).
    @exclusivity(unchecked) @usableFromInline var lastSlot = -1

    public init(capacity requested: Int = 16) {
        var c = 16
        while c < requested * 2 { c <<= 1 }
        capacity = c
        mask = c - 1
        hashes = .allocate(capacity: c)
        hashes.initialize(repeating: 0, count: c)
        keys = .allocate(capacity: c)
        namespaces = .allocate(capacity: c)
        values = .allocate(capacity: c)
    }

    deinit {
        for i in 0..<capacity where hashes[i] != 0 {
            (keys + i).deinitialize(count: 1)
            (namespaces + i).deinitialize(count: 1)
            (values + i).deinitialize(count: 1)
        }
        hashes.deallocate()
        keys.deallocate()
        namespaces.deallocate()
        values.deallocate()
    }

    /// The stored hash of (key, namespace): never 0.
    @inlinable
    static func hash(_ key: K, _ namespace: N) -> UInt32 {
        var h = UInt64(key.keyHash()) &* 0x9E37_79B9_7F4A_7C15 ^ namespace.namespaceHash
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h) | 1
    }

    /// The slot holding (key, namespace), or the empty slot where it would go.
    @inlinable
    func probe(_ key: K, _ namespace: N, _ h: UInt32) -> (slot: Int, found: Bool) {
        var i = Int(h) & mask
        while true {
            let stored = hashes[i]
            if stored == 0 { return (i, false) }
            if stored == h && keys[i] == key && namespaces[i] == namespace {
                lastSlot = i
                return (i, true)
            }
            i = (i + 1) & mask
        }
    }

    /// The slot of the last lookup if it holds (key, namespace).
    @inlinable
    func cachedSlot(_ key: K, _ namespace: N) -> Int? {
        let s = lastSlot
        if s >= 0 && hashes[s] != 0 && keys[s] == key && namespaces[s] == namespace { return s }
        return nil
    }

    /// The value of (key, namespace), or nil.
    @inlinable
    public func value(_ key: K, _ namespace: N) -> V? {
        if let s = cachedSlot(key, namespace) { return values[s] }
        let (slot, found) = probe(key, namespace, Self.hash(key, namespace))
        return found ? values[slot] : nil
    }

    /// Lets `body` change the value of (key, namespace) in place (nil: absent; setting nil
    /// removes it). Returns whether the entry was absent before.
    @inlinable
    @discardableResult
    public func upsert(_ key: K, _ namespace: N, _ body: (inout V?) throws -> Void) rethrows -> Bool {
        var h: UInt32 = 0
        let slot: Int, found: Bool
        if let s = cachedSlot(key, namespace) {
            (slot, found) = (s, true)
        } else {
            h = Self.hash(key, namespace)
            (slot, found) = probe(key, namespace, h)
        }
        if found {
            var v: V? = (values + slot).move()
            do {
                try body(&v)
            } catch {
                if let v { (values + slot).initialize(to: v) } else { removeSlot(slot) }
                throw error
            }
            if let v { (values + slot).initialize(to: v) } else { removeSlot(slot) }
            return false
        }
        var v: V? = nil
        try body(&v)
        if let v { insert(key, namespace, v, hash: h, slot: slot) }
        return true
    }

    /// Sets (or with nil removes) the value of (key, namespace).
    @inlinable
    public func set(_ key: K, _ namespace: N, _ value: V?) {
        upsert(key, namespace) { $0 = value }
    }

    /// Removes and returns the value of (key, namespace).
    @inlinable
    @discardableResult
    public func removeValue(_ key: K, _ namespace: N) -> V? {
        let (slot, found) = cachedSlot(key, namespace).map { ($0, true) } ?? probe(key, namespace, Self.hash(key, namespace))
        guard found else { return nil }
        let v = (values + slot).move()
        removeSlot(slot)
        return v
    }

    /// Calls `body` for every entry (in no particular order).
    public func forEach(_ body: (K, N, V) throws -> Void) rethrows {
        for i in 0..<capacity where hashes[i] != 0 { try body(keys[i], namespaces[i], values[i]) }
    }

    @usableFromInline
    func insert(_ key: K, _ namespace: N, _ value: V, hash h: UInt32, slot: Int) {
        if (count + 1) * 2 > capacity {
            grow()
            let (s, _) = probe(key, namespace, h)
            place(key, namespace, value, h, s)
        } else {
            place(key, namespace, value, h, slot)
        }
        count += 1
    }

    @inlinable
    func place(_ key: K, _ namespace: N, _ value: V, _ h: UInt32, _ slot: Int) {
        hashes[slot] = h
        (keys + slot).initialize(to: key)
        (namespaces + slot).initialize(to: namespace)
        (values + slot).initialize(to: value)
    }

    /// Empties a slot whose value was already moved out, shifting later entries of the probe
    /// run back so lookups never meet a hole.
    @usableFromInline
    func removeSlot(_ removed: Int) {
        lastSlot = -1
        (keys + removed).deinitialize(count: 1)
        (namespaces + removed).deinitialize(count: 1)
        hashes[removed] = 0
        count -= 1
        var hole = removed
        var i = (removed + 1) & mask
        while hashes[i] != 0 {
            let home = Int(hashes[i]) & mask
            // Move entry i into the hole if its home slot is not between the hole and i.
            let distanceToI = (i - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToI {
                hashes[hole] = hashes[i]
                (keys + hole).moveInitialize(from: keys + i, count: 1)
                (namespaces + hole).moveInitialize(from: namespaces + i, count: 1)
                (values + hole).moveInitialize(from: values + i, count: 1)
                hashes[i] = 0
                hole = i
            }
            i = (i + 1) & mask
        }
    }

    func grow() {
        lastSlot = -1
        let oldHashes = hashes, oldKeys = keys, oldNamespaces = namespaces, oldValues = values, oldCapacity = capacity
        capacity *= 2
        mask = capacity - 1
        hashes = .allocate(capacity: capacity)
        hashes.initialize(repeating: 0, count: capacity)
        keys = .allocate(capacity: capacity)
        namespaces = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
        for j in 0..<oldCapacity where oldHashes[j] != 0 {
            let h = oldHashes[j]
            var i = Int(h) & mask
            while hashes[i] != 0 { i = (i + 1) & mask }
            hashes[i] = h
            (keys + i).moveInitialize(from: oldKeys + j, count: 1)
            (namespaces + i).moveInitialize(from: oldNamespaces + j, count: 1)
            (values + i).moveInitialize(from: oldValues + j, count: 1)
        }
        oldHashes.deallocate()
        oldKeys.deallocate()
        oldNamespaces.deallocate()
        oldValues.deallocate()
    }
}
