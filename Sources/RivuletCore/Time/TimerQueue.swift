// The timer queue behind Flink's InternalTimerService: deduplicated timers ordered by timestamp.

/// A binary min-heap of timers ordered by timestamp, deduplicated through a set: registering
/// a timer that is already registered is one hash lookup and keeps a single timer.
///
/// Deletion is lazy: a deleted timer leaves the set at once and its heap slot is skipped (and
/// the heap compacted once stale slots outnumber live timers). The earliest heap slot is always
/// live, so `peekTimestamp()` is O(1). Ties between equal timestamps fire in an order that
/// depends only on the sequence of operations (deterministic, not necessarily FIFO).
public struct TimerQueue<Key: Hashable, Namespace: Hashable> {
    /// A queued timer.
    public typealias Entry = TimerEntry<Key, Namespace>

    /// Heap-ordered by timestamp; may hold stale (deleted) or repeated slots, never at index 0.
    @usableFromInline var heap: [Entry] = []
    /// The live timers.
    @usableFromInline var live: Set<Entry> = []

    /// An empty queue.
    @inlinable
    public init() {}

    /// A queue holding `timers` (e.g. restored from a snapshot); duplicates are kept once.
    @inlinable
    public init<S: Sequence>(restoring timers: S) where S.Element == Entry {
        for timer in timers where live.insert(timer).inserted {
            heap.append(timer)
        }
        heapify()
    }

    /// The number of registered timers.
    @inlinable
    public var count: Int { live.count }

    /// Whether no timer is registered.
    @inlinable
    public var isEmpty: Bool { live.isEmpty }

    /// Registers a timer; returns `true` if it was not registered yet.
    @inlinable
    @discardableResult
    public mutating func register(timestamp: Int64, key: Key, namespace: Namespace) -> Bool {
        let entry = Entry(timestamp: timestamp, key: key, namespace: namespace)
        guard live.insert(entry).inserted else { return false }
        heap.append(entry)
        siftUp(heap.count - 1)
        return true
    }

    /// Whether the timer is registered.
    @inlinable
    public func contains(timestamp: Int64, key: Key, namespace: Namespace) -> Bool {
        live.contains(Entry(timestamp: timestamp, key: key, namespace: namespace))
    }

    /// Deletes a timer; returns `true` if it was registered.
    @inlinable
    @discardableResult
    public mutating func delete(timestamp: Int64, key: Key, namespace: Namespace) -> Bool {
        guard live.remove(Entry(timestamp: timestamp, key: key, namespace: namespace)) != nil else {
            return false
        }
        dropStaleTop()
        let stale = heap.count - live.count
        if stale > 64 && stale > live.count { compact() }
        return true
    }

    /// The timestamp of the earliest timer, `nil` if none.
    @inlinable
    public func peekTimestamp() -> Int64? {
        heap.first?.timestamp
    }

    /// The earliest timer without removing it, `nil` if none.
    @inlinable
    public func peek() -> Entry? {
        heap.first
    }

    /// Removes and returns the earliest timer if its timestamp is `<= time`, else `nil`.
    @inlinable
    public mutating func popIfDue(upTo time: Int64) -> Entry? {
        guard let top = heap.first, top.timestamp <= time else { return nil }
        removeTop()
        live.remove(top)
        dropStaleTop()
        return top
    }

    /// Every registered timer, sorted by timestamp (for snapshots).
    @inlinable
    public func allTimers() -> [Entry] {
        var result: [Entry] = []
        result.reserveCapacity(live.count)
        if heap.count == live.count {
            result.append(contentsOf: heap)
        } else {
            var seen = Set<Entry>(minimumCapacity: live.count)
            for e in heap where live.contains(e) && seen.insert(e).inserted { result.append(e) }
        }
        result.sort { $0.timestamp < $1.timestamp }
        return result
    }

    /// Removes every timer.
    @inlinable
    public mutating func removeAll() {
        heap.removeAll()
        live.removeAll()
    }

    // MARK: - Heap

    /// Pops heap slots whose timer was deleted (or already fired) until the top is live.
    @inlinable
    mutating func dropStaleTop() {
        while let top = heap.first, !live.contains(top) {
            removeTop()
        }
    }

    /// Rebuilds the heap from the live timers only, one slot each.
    @inlinable
    mutating func compact() {
        var seen = Set<Entry>(minimumCapacity: live.count)
        var kept: [Entry] = []
        kept.reserveCapacity(live.count)
        for e in heap where live.contains(e) && seen.insert(e).inserted { kept.append(e) }
        heap = kept
        heapify()
    }

    @inlinable
    mutating func heapify() {
        var i = heap.count / 2 - 1
        while i >= 0 {
            siftDown(i)
            i -= 1
        }
    }

    @inlinable
    mutating func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    @inlinable
    mutating func siftUp(_ index: Int) {
        var child = index
        let element = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard element.timestamp < heap[parent].timestamp else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = element
    }

    @inlinable
    mutating func siftDown(_ index: Int) {
        let count = heap.count
        var parent = index
        let element = heap[parent]
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            var child = left
            let right = left + 1
            if right < count && heap[right].timestamp < heap[left].timestamp { child = right }
            guard heap[child].timestamp < element.timestamp else { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = element
    }
}

extension TimerQueue: Sendable where Key: Sendable, Namespace: Sendable {}
