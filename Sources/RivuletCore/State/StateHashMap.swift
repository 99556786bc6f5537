// The hash map behind the hottest keyed state: open addressing, murmur-based hashes, in-place updates.

import CRivuletSupport

/// A map from (key, namespace) to a value for one operator subtask. Compared with `Dictionary`
/// it hashes with the key's `stateHash()` (no SipHash), and `upsert` updates a value in
/// place without the `_modify` coroutine, whose frame Dictionary allocates on every call.
/// Linear probing, backward-shift deletion, load factor at most 3/4.
///
/// Each slot holds its hash, key, namespace and value side by side in one allocation, so a
/// lookup touches one cache line. With four separate arrays a probe of the 20k-entry window
/// state missed the cache on the hash, the key and the namespace in turn (58%, 19% and 17% of
/// the probe's samples in `bin/bench window`), the map then being larger than this machine's L2.
///
/// Memory per entry is the slot stride over the load factor. For keyed-sum's 8-byte key and
/// 24-byte value a slot is 40 bytes (an empty namespace or value takes no room), so at 10M
/// keys (load 0.6) an entry takes 67 bytes. With a load factor of at most 1/2 and a 48-byte
/// slot (a byte and its padding for the empty namespace) it took 161. Tables of megabytes live
/// on huge pages (`SlotMemory`); a batch can `prefetch` its slots before touching them.
/// Confined to one task's thread (not Sendable).
public final class StateHashMap<K: Hashable & Sendable & BinaryCodable, N: StateNamespace, V> {
    // Task-confined and never accessed re-entrantly: no run-time exclusivity checks.
    /// `capacity` slots of `slotStride` bytes: a `UInt32` hash (0 = empty slot) at offset 0,
    /// then key, namespace and value, initialized only while the hash is non-zero. A field of
    /// an empty type (`VoidNamespace`, a `Void` value) is not stored.
    @exclusivity(unchecked) @usableFromInline var slots: UnsafeMutableRawPointer
    @exclusivity(unchecked) @usableFromInline var capacity: Int
    @exclusivity(unchecked) @usableFromInline var mask: Int
    @exclusivity(unchecked) @usableFromInline var entries = 0
    /// Number of entries.
    @inlinable public var count: Int { entries }
    /// The slot found by the last lookup: a read-modify-write of one key (value() then
    /// update()) finds it again with a key comparison instead of hashing and probing.
    /// Reset whenever entries move (removal's backward shift, growth).
    @exclusivity(unchecked) @usableFromInline var lastSlot = -1
    /// The slot layout, computed once: in debug builds each generic `MemoryLayout` query costs
    /// a metadata call, and the computed chain made a map lookup tens of times slower there.
    @usableFromInline let stride = StateHashMap.slotStride
    @usableFromInline let keyOffset = StateHashMap.keyOffset
    @usableFromInline let namespaceOffset = StateHashMap.namespaceOffset
    @usableFromInline let valueOffset = StateHashMap.valueOffset
    @usableFromInline let storesNamespace = StateHashMap.storesNamespace
    @usableFromInline let storesValue = StateHashMap.storesValue

    public init(capacity requested: Int = 16) {
        var c = 16
        while c * 3 < requested * 4 { c <<= 1 }
        capacity = c
        mask = c - 1
        slots = Self.allocateSlots(c)
    }

    deinit {
        // Trivial entries need no deinitialization: a table of millions of integer keys is
        // freed without a pass over its slots.
        if !(_isPOD(K.self) && _isPOD(N.self) && _isPOD(V.self)) {
            for i in 0..<capacity where hashAt(i) != 0 {
                keyAt(i).deinitialize(count: 1)
                if storesNamespace { namespaceAt(i).deinitialize(count: 1) }
                if storesValue { valueAt(i).deinitialize(count: 1) }
            }
        }
        SlotMemory.deallocate(slots, byteCount: capacity * stride)
    }

    /// Bytes the slots take: the table's memory, apart from what keys and values reference.
    public var memoryBytes: Int { capacity * stride }

    /// Whether prefetching slots ahead of access pays: only once the table outgrows the
    /// caches closest to the core (1 MiB). A smaller table's slots are in cache already, and
    /// keyed-sum with 1k keys ran 20-30% slower through the prefetching path than without it.
    @inlinable public var prefetchPays: Bool { capacity &* stride >= 1 << 20 }

    // MARK: Slot layout

    @inlinable static func align(_ offset: Int, _ alignment: Int) -> Int { (offset + alignment - 1) & ~(alignment - 1) }
    // Fields are spaced by stride, not size: moving a value copies its stride, which for an
    // empty type (a `Void` value) is 1 byte, so a size-0 field at the end would overwrite the
    // next slot's hash. Fields of empty types are not stored at all: never initialized, moved
    // or deinitialized, and reading one reads no memory.
    @inlinable static var storesNamespace: Bool { MemoryLayout<N>.size > 0 }
    @inlinable static var storesValue: Bool { MemoryLayout<V>.size > 0 }
    @inlinable static var keyOffset: Int { align(MemoryLayout<UInt32>.stride, MemoryLayout<K>.alignment) }
    @inlinable static var namespaceOffset: Int { align(keyOffset + MemoryLayout<K>.stride, MemoryLayout<N>.alignment) }
    @inlinable static var valueOffset: Int {
        align(namespaceOffset + (storesNamespace ? MemoryLayout<N>.stride : 0), MemoryLayout<V>.alignment)
    }
    @inlinable static var slotAlignment: Int {
        max(max(MemoryLayout<UInt32>.alignment, MemoryLayout<K>.alignment), max(MemoryLayout<N>.alignment, MemoryLayout<V>.alignment))
    }
    @inlinable static var slotStride: Int { align(valueOffset + (storesValue ? MemoryLayout<V>.stride : 0), slotAlignment) }

    /// `count` empty slots.
    @usableFromInline
    static func allocateSlots(_ count: Int) -> UnsafeMutableRawPointer {
        SlotMemory.allocate(byteCount: count * slotStride, alignment: slotAlignment)
    }

    @inlinable func hashAt(_ i: Int) -> UInt32 { slots.load(fromByteOffset: i &* stride, as: UInt32.self) }
    @inlinable func setHash(_ i: Int, _ h: UInt32) { slots.storeBytes(of: h, toByteOffset: i &* stride, as: UInt32.self) }
    @inlinable func keyAt(_ i: Int) -> UnsafeMutablePointer<K> {
        (slots + (i &* stride &+ keyOffset)).assumingMemoryBound(to: K.self)
    }
    @inlinable func namespaceAt(_ i: Int) -> UnsafeMutablePointer<N> {
        (slots + (i &* stride &+ namespaceOffset)).assumingMemoryBound(to: N.self)
    }
    @inlinable func valueAt(_ i: Int) -> UnsafeMutablePointer<V> {
        (slots + (i &* stride &+ valueOffset)).assumingMemoryBound(to: V.self)
    }

    // MARK: Lookup

    /// The stored hash of (key, namespace): never 0. The home slot is `hash & mask`, so the
    /// marker bit that keeps it non-zero is the top one, above any mask (an earlier `| 1` made
    /// every home slot odd: half the table was never a home, and probe runs doubled).
    @inlinable
    static func hash(_ key: K, _ namespace: N) -> UInt32 {
        var h = key.stateHash() &* 0x9E37_79B9_7F4A_7C15 ^ namespace.namespaceHash
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 32
        return UInt32(truncatingIfNeeded: h) | 0x8000_0000
    }

    /// Starts loading the home slot of (key, namespace) into the cache, so that a later access
    /// finds it there: a batch prefetches some keys ahead of the one it updates, and the cache
    /// misses of a table larger than the cache overlap instead of queueing.
    @inlinable
    public func prefetch(_ key: K, _ namespace: N) {
        let offset = (Int(Self.hash(key, namespace)) & mask) &* stride
        rivulet_prefetch_for_write(slots + offset)
        // A slot that straddles two cache lines needs both.
        rivulet_prefetch_for_write(slots + (offset &+ stride &- 1))
    }

    /// The slot holding (key, namespace), or the empty slot where it would go.
    @inlinable
    func probe(_ key: K, _ namespace: N, _ h: UInt32) -> (slot: Int, found: Bool) {
        var i = Int(h) & mask
        while true {
            let stored = hashAt(i)
            if stored == 0 { return (i, false) }
            if stored == h && keyAt(i).pointee == key && namespaceAt(i).pointee == namespace {
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
        if s >= 0 && hashAt(s) != 0 && keyAt(s).pointee == key && namespaceAt(s).pointee == namespace { return s }
        return nil
    }

    /// The value of (key, namespace), or nil.
    @inlinable
    public func value(_ key: K, _ namespace: N) -> V? {
        if let s = cachedSlot(key, namespace) { return valueAt(s).pointee }
        let (slot, found) = probe(key, namespace, Self.hash(key, namespace))
        return found ? valueAt(slot).pointee : nil
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
            let value = valueAt(slot)
            var v: V? = value.move()
            do {
                try body(&v)
            } catch {
                if let v { value.initialize(to: v) } else { removeSlot(slot) }
                throw error
            }
            if let v { value.initialize(to: v) } else { removeSlot(slot) }
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
        let v = valueAt(slot).move()
        removeSlot(slot)
        return v
    }

    /// Calls `body` for every entry (in no particular order).
    public func forEach(_ body: (K, N, V) throws -> Void) rethrows {
        for i in 0..<capacity where hashAt(i) != 0 { try body(keyAt(i).pointee, namespaceAt(i).pointee, valueAt(i).pointee) }
    }

    /// Visits up to `limit` slots from `cursor` on (wrapping), removing the entries for which
    /// `isExpired` is true; returns the slot to continue from. Incremental state cleanup calls
    /// it a few slots at a time, so a full sweep is spread over many records.
    @inlinable
    @discardableResult
    public func removeEntries(from cursor: Int, visiting limit: Int, where isExpired: (V) -> Bool) -> Int {
        var i = cursor & mask
        var visited = 0
        while visited < limit {
            visited += 1
            if hashAt(i) != 0 && isExpired(valueAt(i).pointee) {
                valueAt(i).deinitialize(count: 1)
                removeSlot(i)
                // The backward shift may have moved the next entry of the run into slot i.
                continue
            }
            i = (i + 1) & mask
        }
        return i
    }

    // MARK: Changes

    @inlinable
    func insert(_ key: K, _ namespace: N, _ value: V, hash h: UInt32, slot: Int) {
        if (count + 1) * 4 > capacity * 3 {
            grow()
            let (s, _) = probe(key, namespace, h)
            place(key, namespace, value, h, s)
        } else {
            place(key, namespace, value, h, slot)
        }
        entries += 1
    }

    @inlinable
    func place(_ key: K, _ namespace: N, _ value: V, _ h: UInt32, _ slot: Int) {
        setHash(slot, h)
        (slots + (slot &* stride &+ keyOffset)).initializeMemory(as: K.self, to: key)
        if storesNamespace { (slots + (slot &* stride &+ namespaceOffset)).initializeMemory(as: N.self, to: namespace) }
        if storesValue { (slots + (slot &* stride &+ valueOffset)).initializeMemory(as: V.self, to: value) }
    }

    /// Moves the entry in slot `from` (of `source`'s layout) into the empty slot `to`.
    @inlinable
    func moveEntry(from source: UnsafeMutableRawPointer, _ from: Int, to: Int) {
        let f = from &* stride, t = to &* stride
        slots.storeBytes(of: source.load(fromByteOffset: f, as: UInt32.self), toByteOffset: t, as: UInt32.self)
        (slots + (t &+ keyOffset)).moveInitializeMemory(
            as: K.self, from: (source + (f &+ keyOffset)).assumingMemoryBound(to: K.self), count: 1)
        if storesNamespace {
            (slots + (t &+ namespaceOffset)).moveInitializeMemory(
                as: N.self, from: (source + (f &+ namespaceOffset)).assumingMemoryBound(to: N.self), count: 1)
        }
        if storesValue {
            (slots + (t &+ valueOffset)).moveInitializeMemory(
                as: V.self, from: (source + (f &+ valueOffset)).assumingMemoryBound(to: V.self), count: 1)
        }
        source.storeBytes(of: 0, toByteOffset: f, as: UInt32.self)
    }

    /// Empties a slot whose value was already moved out, shifting later entries of the probe
    /// run back so lookups never meet a hole.
    @inlinable
    func removeSlot(_ removed: Int) {
        lastSlot = -1
        keyAt(removed).deinitialize(count: 1)
        if storesNamespace { namespaceAt(removed).deinitialize(count: 1) }
        setHash(removed, 0)
        entries -= 1
        var hole = removed
        var i = (removed + 1) & mask
        while true {
            let h = hashAt(i)
            if h == 0 { break }
            let home = Int(h) & mask
            // Move entry i into the hole if its home slot is not between the hole and i.
            let distanceToI = (i - home) & mask
            let distanceToHole = (hole - home) & mask
            if distanceToHole < distanceToI {
                moveEntry(from: slots, i, to: hole)
                hole = i
            }
            i = (i + 1) & mask
        }
    }

    @usableFromInline
    func grow() {
        lastSlot = -1
        let old = slots, oldCapacity = capacity
        capacity *= 2
        mask = capacity - 1
        slots = Self.allocateSlots(capacity)
        for j in 0..<oldCapacity {
            let h = old.load(fromByteOffset: j * stride, as: UInt32.self)
            guard h != 0 else { continue }
            var i = Int(h) & mask
            while hashAt(i) != 0 { i = (i + 1) & mask }
            moveEntry(from: old, j, to: i)
        }
        SlotMemory.deallocate(old, byteCount: oldCapacity * stride)
    }
}
