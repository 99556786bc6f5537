// Event-time and processing-time timers of one keyed operator, scoped by key and namespace.

import RivuletCore

/// Flink's InternalTimerService: timers per (key, namespace), deduplicated, fired in time
/// order; event-time timers fire when the watermark passes them, processing-time timers
/// through the task's `ProcessingTimeService`. Confined to the task's thread.
public final class InternalTimerService<K: Hashable, N: Hashable> {
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
    /// Timers kept outside memory (the RocksDB backend); nil: the in-memory queues.
    public var external: ExternalTimerQueue<K, N>?
    /// A failure of the external queue inside a call that cannot throw, raised at the next
    /// watermark, timer or checkpoint.
    @usableFromInline var deferredError: (any Error)?
    /// Due timers fetched from the external queue in one batch, per domain, latest first
    /// (popped from the end). Drained within the watermark or timer callback that fetched them.
    @exclusivity(unchecked) @usableFromInline var externalDue: [[TimerEntry<K, N>]] = [[], []]

    public init(processingTimeService: ProcessingTimeService) {
        self.processingTimeService = processingTimeService
    }

    /// Current processing time in milliseconds.
    @inlinable
    public func currentProcessingTime() -> Int64 { processingTimeService.currentTime() }

    @inlinable
    public func registerEventTimeTimer(key: K, namespace: N, time: Int64) {
        if let external {
            if insertIntoDue(0, TimerEntry(timestamp: time, key: key, namespace: namespace)) { return }
            do { _ = try external.register(0, time, key, namespace) } catch { deferredError = error }
            return
        }
        eventTimers.register(timestamp: time, key: key, namespace: namespace)
    }

    /// Throws a failure an external timer queue had in a call that could not throw.
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
        if let external {
            externalDue[0].removeAll { $0.timestamp == time && $0.key == key && $0.namespace == namespace }
            do { try external.delete(0, time, key, namespace) } catch { deferredError = error }
            return
        }
        eventTimers.delete(timestamp: time, key: key, namespace: namespace)
    }

    @inlinable
    public func registerProcessingTimeTimer(key: K, namespace: N, time: Int64) {
        if let external {
            if insertIntoDue(1, TimerEntry(timestamp: time, key: key, namespace: namespace)) { return }
            do {
                if try external.register(1, time, key, namespace) { schedule() }
            } catch {
                deferredError = error
            }
            return
        }
        if processingTimers.register(timestamp: time, key: key, namespace: namespace) {
            schedule()
        }
    }

    @inlinable
    public func deleteProcessingTimeTimer(key: K, namespace: N, time: Int64) {
        if let external {
            externalDue[1].removeAll { $0.timestamp == time && $0.key == key && $0.namespace == namespace }
            do { try external.delete(1, time, key, namespace) } catch { deferredError = error }
            return
        }
        processingTimers.delete(timestamp: time, key: key, namespace: namespace)
    }

    /// Number of pending event-time timers.
    public var eventTimerCount: Int { external?.count(0) ?? eventTimers.count }
    /// Number of pending processing-time timers.
    public var processingTimerCount: Int { external?.count(1) ?? processingTimers.count }

    /// Every pending timer with its domain (0 event time, 1 processing time), for snapshots.
    public func allTimers() throws -> [(domain: UInt8, timer: TimerEntry<K, N>)] {
        try checkDeferredError()
        if let external { return try external.all() }
        return eventTimers.allTimers().map { (0, $0) } + processingTimers.allTimers().map { (1, $0) }
    }

    /// A timer registered while a fetched batch is firing that is due before the batch's last
    /// one joins the batch in time order (so timers still fire in time order).
    @usableFromInline
    func insertIntoDue(_ domain: Int, _ timer: TimerEntry<K, N>) -> Bool {
        guard let latest = externalDue[domain].first, timer.timestamp <= latest.timestamp else { return false }
        if externalDue[domain].contains(timer) { return true }
        let index = externalDue[domain].firstIndex { $0.timestamp < timer.timestamp } ?? externalDue[domain].count
        externalDue[domain].insert(timer, at: index)
        return true
    }

    /// The next due timer of `domain` (0 event, 1 processing) at or before `time`.
    @inlinable
    func popIfDue(domain: UInt8, upTo time: Int64) throws -> TimerEntry<K, N>? {
        if let external {
            let d = Int(domain)
            if externalDue[d].isEmpty {
                externalDue[d] = try external.popDue(domain, time, 512).reversed()
            }
            guard let next = externalDue[d].last, next.timestamp <= time else { return nil }
            return externalDue[d].removeLast()
        }
        return domain == 0 ? eventTimers.popIfDue(upTo: time) : processingTimers.popIfDue(upTo: time)
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

    @usableFromInline
    func schedule() {
        let nextTime: Int64?
        if let external {
            do { nextTime = try external.peekTime(1) } catch { deferredError = error; return }
        } else {
            nextTime = processingTimers.peekTimestamp()
        }
        guard let next = nextTime else { return }
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

/// A timer queue outside memory (the RocksDB backend's), behind closures so the timer
/// service need not know the key and namespace encodings. Domains: 0 event time, 1 processing.
public final class ExternalTimerQueue<K: Hashable, N: Hashable> {
    public let register: (UInt8, Int64, K, N) throws -> Bool
    public let delete: (UInt8, Int64, K, N) throws -> Void
    public let peekTime: (UInt8) throws -> Int64?
    /// Removes and returns, in time order, up to the given number of due timers.
    public let popDue: (UInt8, Int64, Int) throws -> [TimerEntry<K, N>]
    public let count: (UInt8) -> Int
    public let all: () throws -> [(domain: UInt8, timer: TimerEntry<K, N>)]

    public init(register: @escaping (UInt8, Int64, K, N) throws -> Bool, delete: @escaping (UInt8, Int64, K, N) throws -> Void,
                peekTime: @escaping (UInt8) throws -> Int64?, popDue: @escaping (UInt8, Int64, Int) throws -> [TimerEntry<K, N>],
                count: @escaping (UInt8) -> Int, all: @escaping () throws -> [(domain: UInt8, timer: TimerEntry<K, N>)]) {
        self.register = register
        self.delete = delete
        self.peekTime = peekTime
        self.popDue = popDue
        self.count = count
        self.all = all
    }
}
