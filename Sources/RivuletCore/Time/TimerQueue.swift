// The timer queue behind Flink's InternalTimerService: deduplicated timers ordered by timestamp.

/// Timers ordered by timestamp, deduplicated: registering a timer that is already registered
/// is one hash lookup and keeps a single timer.
///
/// Most timers are registered in time order (a window's end as its first element arrives, a
/// timeout a fixed delay after each record), so a timer no earlier than the last one appended
/// goes to the end of `run`, an array read front to back; only an earlier one goes into a
/// binary min-heap. The earliest timer is the earlier of the two fronts. Registering and
/// firing a timer in time order is then an append and a read in sequence, where a heap of
/// 10k pending windows cost a cache miss per level (sift-up, sift-down and a liveness lookup
/// per pop were a fifth of `bin/bench window`'s operator thread).
///
/// The set of live timers is a `StateHashMap` keyed by key and (time, namespace), hashed with
/// the key's `stateHash()` and the namespace's own hash (no SipHash).
///
/// Deletion is lazy: a deleted timer leaves the set at once and its slot in `run` or the heap
/// is skipped (both are compacted once stale slots outnumber live timers). The earliest slot
/// is always live, so `peekTimestamp()` is O(1). Ties between equal timestamps fire in an
/// order that depends only on the sequence of operations (deterministic, not necessarily FIFO).
/// A reference type: the queue owns its set. Confined to one task's thread.
public final class TimerQueue<Key: Hashable & Sendable & BinaryCodable, Namespace: StateNamespace> {
    /// A queued timer.
    public typealias Entry = TimerEntry<Key, Namespace>

    /// Timers in non-decreasing time order from `runStart`; may hold stale slots.
    @exclusivity(unchecked) @usableFromInline var run: [Entry] = []
    @exclusivity(unchecked) @usableFromInline var runStart = 0
    /// Timers registered earlier than the end of `run`, heap-ordered by time; may hold stale slots.
    @exclusivity(unchecked) @usableFromInline var heap: [Entry] = []
    /// The live timers.
    @exclusivity(unchecked) @usableFromInline var live = StateHashMap<Key, TimerNamespace<Namespace>, Void>()
    /// Slots in `run` and `heap` whose timer is not live (deleted, or already fired).
    @exclusivity(unchecked) @usableFromInline var stale = 0

    /// An empty queue.
    @inlinable
    public init() {}

    /// A queue holding `timers` (e.g. restored from a snapshot); duplicates are kept once.
    @inlinable
    public convenience init<S: Sequence>(restoring timers: S) where S.Element == Entry {
        self.init()
        for timer in timers { register(timestamp: timer.timestamp, key: timer.key, namespace: timer.namespace) }
    }

    /// The number of registered timers.
    @inlinable
    public var count: Int { live.count }

    /// Whether no timer is registered.
    @inlinable
    public var isEmpty: Bool { live.count == 0 }

    /// Registers a timer; returns `true` if it was not registered yet.
    @inlinable
    @discardableResult
    public func register(timestamp: Int64, key: Key, namespace: Namespace) -> Bool {
        guard live.upsert(key, TimerNamespace(timestamp, namespace), { $0 = () }) else { return false }
        let entry = Entry(timestamp: timestamp, key: key, namespace: namespace)
        if runStart == run.count {
            run.removeAll(keepingCapacity: true)
            runStart = 0
            run.append(entry)
        } else if let last = run.last, timestamp >= last.timestamp {
            run.append(entry)
        } else {
            heap.append(entry)
            siftUp(heap.count - 1)
        }
        return true
    }

    /// Whether the timer is registered.
    @inlinable
    public func contains(timestamp: Int64, key: Key, namespace: Namespace) -> Bool {
        live.value(key, TimerNamespace(timestamp, namespace)) != nil
    }

    /// Deletes a timer; returns `true` if it was registered.
    @inlinable
    @discardableResult
    public func delete(timestamp: Int64, key: Key, namespace: Namespace) -> Bool {
        guard live.removeValue(key, TimerNamespace(timestamp, namespace)) != nil else { return false }
        stale += 1
        dropStaleFront()
        if stale > 64 && stale > live.count { compact() }
        return true
    }

    /// The timestamp of the earliest timer, `nil` if none.
    @inlinable
    public func peekTimestamp() -> Int64? {
        peek()?.timestamp
    }

    /// The earliest timer without removing it, `nil` if none.
    @inlinable
    public func peek() -> Entry? {
        front()?.entry
    }

    /// Removes and returns the earliest timer if its timestamp is `<= time`, else `nil`.
    @inlinable
    public func popIfDue(upTo time: Int64) -> Entry? {
        while let (top, inRun) = front(), top.timestamp <= time {
            removeFront(inRun: inRun)
            if live.removeValue(top.key, TimerNamespace(top.timestamp, top.namespace)) != nil {
                if stale > 0 { dropStaleFront() }
                return top
            }
            stale -= 1
        }
        return nil
    }

    /// Every registered timer, sorted by timestamp (for snapshots).
    @inlinable
    public func allTimers() -> [Entry] {
        var result: [Entry] = []
        result.reserveCapacity(live.count)
        if stale == 0 {
            result.append(contentsOf: run[runStart...])
            result.append(contentsOf: heap)
        } else {
            let seen = StateHashMap<Key, TimerNamespace<Namespace>, Void>()
            for e in [run[runStart...], heap[...]].joined()
            where isLive(e) && seen.upsert(e.key, TimerNamespace(e.timestamp, e.namespace), { $0 = () }) {
                result.append(e)
            }
        }
        result.sort { $0.timestamp < $1.timestamp }
        return result
    }

    /// Removes every timer.
    @inlinable
    public func removeAll() {
        live = StateHashMap()
        run.removeAll()
        runStart = 0
        heap.removeAll()
        stale = 0
    }

    // MARK: - Run and heap

    @inlinable
    func isLive(_ e: Entry) -> Bool {
        live.value(e.key, TimerNamespace(e.timestamp, e.namespace)) != nil
    }

    /// The earliest slot and whether it is the front of `run` (else the heap's top); ties go
    /// to `run`.
    @inlinable
    func front() -> (entry: Entry, inRun: Bool)? {
        let fromRun = runStart < run.count ? run[runStart] : nil
        guard let top = heap.first else { return fromRun.map { ($0, true) } }
        guard let fromRun else { return (top, false) }
        return top.timestamp < fromRun.timestamp ? (top, false) : (fromRun, true)
    }

    /// Removes the earliest slot, found by `front()`.
    @inlinable
    func removeFront(inRun: Bool) {
        if inRun {
            runStart += 1
            // Let go of the fired prefix once it is half the array.
            if runStart >= 1024 && runStart * 2 >= run.count {
                run.removeFirst(runStart)
                runStart = 0
            }
        } else {
            removeTop()
        }
    }

    /// Drops stale slots (deleted or already fired timers) until the earliest slot is live.
    @inlinable
    func dropStaleFront() {
        while stale > 0, let (top, inRun) = front(), !isLive(top) {
            removeFront(inRun: inRun)
            stale -= 1
        }
    }

    /// Rebuilds from the live timers only, one slot each, all in `run`.
    @usableFromInline
    func compact() {
        run = allTimers()
        runStart = 0
        heap.removeAll()
        stale = 0
    }

    @inlinable
    func removeTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    @inlinable
    func siftUp(_ index: Int) {
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
    func siftDown(_ index: Int) {
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

/// A timer's time and namespace, the part of its identity besides the key, as the namespace
/// of the live-timer set.
public struct TimerNamespace<N: StateNamespace>: StateNamespace {
    public var timestamp: Int64
    public var namespace: N

    @inlinable
    public init(_ timestamp: Int64, _ namespace: N) {
        self.timestamp = timestamp
        self.namespace = namespace
    }

    @inlinable
    public var namespaceHash: UInt64 {
        namespace.namespaceHash &+ UInt64(bitPattern: timestamp) &* 0xC2B2_AE3D_27D4_EB4F
    }
}
