// Event-time and processing-time timers of one keyed operator, scoped by key and namespace.

import RivuletCore

/// Flink's InternalTimerService: timers per (key, namespace), deduplicated, fired in time
/// order; event-time timers fire when the watermark passes them, processing-time timers
/// through the task's `ProcessingTimeService`. Confined to the task's thread.
///
/// Timers live in two in-memory queues (event and processing time). With a spill store (the
/// RocksDB backend) each queue holds at most `spillCapacity` timers, the earliest ones: when
/// a queue outgrows that, its later half moves to the store, and a timer no earlier than the
/// earliest stored one goes to the store directly. When a queue runs empty while stored
/// timers are due, the earliest stored ones come back. So no stored timer is earlier than a
/// queued one, timers fire in time order, and a timer that is registered and fires while its
/// queue holds it (the common case: a window that opens and closes) never touches the store.
public final class InternalTimerService<K: StreamKey, N: StateNamespace> {
    @exclusivity(unchecked) @usableFromInline var eventTimers = TimerQueue<K, N>()
    @exclusivity(unchecked) @usableFromInline var processingTimers = TimerQueue<K, N>()
    /// The last watermark this operator saw.
    public var currentWatermark: Int64 { watermark }
    @exclusivity(unchecked) @usableFromInline var watermark: Int64 = StreamTime.minWatermark
    @usableFromInline let processingTimeService: ProcessingTimeService
    @usableFromInline var scheduled: (time: Int64, id: Int)?
    /// Called for each due event-time timer (set by the owning operator).
    public var onEventTime: (TimerEntry<K, N>) throws -> Void = { _ in }
    /// Called for each due processing-time timer (set by the owning operator).
    public var onProcessingTime: (TimerEntry<K, N>) throws -> Void = { _ in }
    /// Where timers beyond the memory bound go (the RocksDB backend); nil: all in memory.
    @usableFromInline var spillStore: TimerSpillStore<K, N>?
    /// Timers per queue kept in memory when there is a spill store.
    @usableFromInline var spillCapacity = Int.max
    /// Per domain (0 event, 1 processing), a time no stored timer is earlier than (nil: none
    /// stored, so every timer goes to memory).
    @exclusivity(unchecked) @usableFromInline var spilledFrom: (Int64?, Int64?) = (nil, nil)
    /// A failure of the spill store inside a call that cannot throw, raised at the next
    /// watermark, timer or checkpoint.
    @usableFromInline var deferredError: (any Error)?

    public init(processingTimeService: ProcessingTimeService) {
        self.processingTimeService = processingTimeService
    }

    /// Keeps at most `capacity` timers per queue in memory and the rest in `store`.
    public func spill(to store: TimerSpillStore<K, N>, capacity: Int) {
        spillStore = store
        spillCapacity = max(capacity, 1)
    }

    /// Current processing time in milliseconds.
    @inlinable
    public func currentProcessingTime() -> Int64 { processingTimeService.currentTime() }

    @inlinable
    public func registerEventTimeTimer(key: K, namespace: N, time: Int64) {
        if spilledFrom.0.map({ time < $0 }) ?? true {
            if eventTimers.register(timestamp: time, key: key, namespace: namespace) && eventTimers.count > spillCapacity {
                spillLaterHalf(0)
            }
        } else if !eventTimers.contains(timestamp: time, key: key, namespace: namespace) {
            store(0, TimerEntry(timestamp: time, key: key, namespace: namespace))
        }
    }

    /// Throws a failure the spill store had in a call that could not throw.
    @inlinable
    public func checkDeferredError() throws {
        if let error = deferredError {
            deferredError = nil
            throw error
        }
    }

    /// The event-time timer being fired: it left the queue already, so deleting it (as a
    /// trigger's clear does) needs no lookup.
    @exclusivity(unchecked) @usableFromInline var firingEventTimer: TimerEntry<K, N>?

    @inlinable
    public func deleteEventTimeTimer(key: K, namespace: N, time: Int64) {
        if let firing = firingEventTimer, firing.timestamp == time, firing.key == key, firing.namespace == namespace { return }
        if !eventTimers.delete(timestamp: time, key: key, namespace: namespace), let from = spilledFrom.0, time >= from {
            unstore(0, TimerEntry(timestamp: time, key: key, namespace: namespace))
        }
    }

    @inlinable
    public func registerProcessingTimeTimer(key: K, namespace: N, time: Int64) {
        if spilledFrom.1.map({ time < $0 }) ?? true {
            guard processingTimers.register(timestamp: time, key: key, namespace: namespace) else { return }
            if processingTimers.count > spillCapacity { spillLaterHalf(1) }
            schedule()
        } else if !processingTimers.contains(timestamp: time, key: key, namespace: namespace) {
            store(1, TimerEntry(timestamp: time, key: key, namespace: namespace))
            if processingTimers.isEmpty { schedule() }
        }
    }

    @inlinable
    public func deleteProcessingTimeTimer(key: K, namespace: N, time: Int64) {
        if !processingTimers.delete(timestamp: time, key: key, namespace: namespace), let from = spilledFrom.1, time >= from {
            unstore(1, TimerEntry(timestamp: time, key: key, namespace: namespace))
        }
    }

    /// Every pending timer with its domain (0 event time, 1 processing time), for snapshots.
    public func allTimers() throws -> [(domain: UInt8, timer: TimerEntry<K, N>)] {
        try checkDeferredError()
        var result = eventTimers.allTimers().map { (domain: UInt8(0), timer: $0) } + processingTimers.allTimers().map { (1, $0) }
        if let spillStore, spilledFrom.0 != nil || spilledFrom.1 != nil { result += try spillStore.all() }
        return result
    }

    // MARK: Spilling

    /// Puts one timer into the spill store.
    @usableFromInline
    func store(_ domain: UInt8, _ timer: TimerEntry<K, N>) {
        do { try spillStore?.write(domain, [timer]) } catch { deferredError = error }
    }

    /// Deletes one timer from the spill store (a blind delete: it may not be there).
    @usableFromInline
    func unstore(_ domain: UInt8, _ timer: TimerEntry<K, N>) {
        do { try spillStore?.delete(domain, timer) } catch { deferredError = error }
    }

    /// Moves every timer of the queue at or after its median time to the spill store.
    @usableFromInline
    func spillLaterHalf(_ domain: UInt8) {
        guard let spillStore else { return }
        let timers = domain == 0 ? eventTimers.allTimers() : processingTimers.allTimers()
        let cut = timers[timers.count / 2].timestamp
        let split = timers.firstIndex { $0.timestamp >= cut } ?? timers.count
        do {
            try spillStore.write(domain, Array(timers[split...]))
        } catch {
            deferredError = error
            return
        }
        let kept = TimerQueue<K, N>(restoring: timers[..<split])
        if domain == 0 {
            eventTimers = kept
            spilledFrom.0 = min(spilledFrom.0 ?? cut, cut)
        } else {
            processingTimers = kept
            spilledFrom.1 = min(spilledFrom.1 ?? cut, cut)
        }
    }

    /// Moves the earliest stored timers of `domain` (half the capacity) into its empty queue.
    @usableFromInline
    func reload(_ domain: UInt8) throws {
        guard let spillStore else { return }
        let (timers, next) = try spillStore.take(domain, max(1, spillCapacity / 2))
        let queue = TimerQueue<K, N>(restoring: timers)
        if domain == 0 {
            eventTimers = queue
            spilledFrom.0 = next
        } else {
            processingTimers = queue
            spilledFrom.1 = next
        }
    }

    /// The next due timer of `domain` (0 event, 1 processing) at or before `time`.
    @inlinable
    func popIfDue(domain: UInt8, upTo time: Int64) throws -> TimerEntry<K, N>? {
        if domain == 0 {
            if eventTimers.isEmpty, let from = spilledFrom.0, from <= time { try reload(0) }
            return eventTimers.popIfDue(upTo: time)
        }
        if processingTimers.isEmpty, let from = spilledFrom.1, from <= time { try reload(1) }
        return processingTimers.popIfDue(upTo: time)
    }

    /// Fires every event-time timer at or before `watermark`, in order.
    @inlinable
    public func advanceWatermark(_ watermark: Int64) throws {
        self.watermark = watermark
        try checkDeferredError()
        defer { firingEventTimer = nil }
        while let timer = try popIfDue(domain: 0, upTo: watermark) {
            firingEventTimer = timer
            try onEventTime(timer)
        }
    }

    /// Fires every pending processing-time timer now, in order (end of a bounded input).
    public func fireAllProcessingTimers() throws {
        try checkDeferredError()
        while let timer = try popIfDue(domain: 1, upTo: Int64.max) {
            try onProcessingTime(timer)
        }
        if let s = scheduled { processingTimeService.cancel(s.id) }
        scheduled = nil
    }

    /// The earliest processing-time timer's time, reloading stored timers if the queue is empty.
    func nextProcessingTime() throws -> Int64? {
        if processingTimers.isEmpty && spilledFrom.1 != nil { try reload(1) }
        return processingTimers.peekTimestamp()
    }

    @usableFromInline
    func schedule() {
        let next: Int64
        do {
            guard let time = try nextProcessingTime() else { return }
            next = time
        } catch {
            deferredError = error
            return
        }
        if let s = scheduled {
            if s.time <= next { return }
            processingTimeService.cancel(s.id)
        }
        let id = processingTimeService.registerTimer(at: next) { [unowned self] time in
            self.scheduled = nil
            try self.checkDeferredError()
            while let timer = try self.popIfDue(domain: 1, upTo: time) {
                try self.onProcessingTime(timer)
            }
            self.schedule()
        }
        scheduled = (next, id)
    }
}

/// Where a timer service keeps the timers beyond its memory bound (the RocksDB backend's
/// column family), behind closures so the service need not know the key and namespace
/// encodings. Domains: 0 event time, 1 processing time.
public final class TimerSpillStore<K: Hashable, N: Hashable> {
    /// Stores timers (in one batch).
    public let write: (UInt8, [TimerEntry<K, N>]) throws -> Void
    /// Deletes a timer if it is stored.
    public let delete: (UInt8, TimerEntry<K, N>) throws -> Void
    /// Removes and returns up to the given number of the earliest stored timers, in time
    /// order, with the time of the earliest timer left (nil: none left).
    public let take: (UInt8, Int) throws -> ([TimerEntry<K, N>], Int64?)
    /// Every stored timer.
    public let all: () throws -> [(domain: UInt8, timer: TimerEntry<K, N>)]

    public init(
        write: @escaping (UInt8, [TimerEntry<K, N>]) throws -> Void, delete: @escaping (UInt8, TimerEntry<K, N>) throws -> Void,
        take: @escaping (UInt8, Int) throws -> ([TimerEntry<K, N>], Int64?),
        all: @escaping () throws -> [(domain: UInt8, timer: TimerEntry<K, N>)]
    ) {
        self.write = write
        self.delete = delete
        self.take = take
        self.all = all
    }
}
