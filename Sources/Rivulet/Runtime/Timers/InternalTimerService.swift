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

    public init(processingTimeService: ProcessingTimeService) {
        self.processingTimeService = processingTimeService
    }

    /// Current processing time in milliseconds.
    @inlinable
    public func currentProcessingTime() -> Int64 { processingTimeService.currentTime() }

    @inlinable
    public func registerEventTimeTimer(key: K, namespace: N, time: Int64) {
        eventTimers.register(timestamp: time, key: key, namespace: namespace)
    }

    /// The event-time timer being fired: it left the queue already, so deleting it (as a
    /// trigger's clear does) needs no lookup.
    @exclusivity(unchecked) @usableFromInline var firingEventTimer: TimerEntry<K, N>?

    @inlinable
    public func deleteEventTimeTimer(key: K, namespace: N, time: Int64) {
        if let firing = firingEventTimer, firing.timestamp == time, firing.key == key, firing.namespace == namespace { return }
        eventTimers.delete(timestamp: time, key: key, namespace: namespace)
    }

    @inlinable
    public func registerProcessingTimeTimer(key: K, namespace: N, time: Int64) {
        if processingTimers.register(timestamp: time, key: key, namespace: namespace) {
            schedule()
        }
    }

    @inlinable
    public func deleteProcessingTimeTimer(key: K, namespace: N, time: Int64) {
        processingTimers.delete(timestamp: time, key: key, namespace: namespace)
    }

    /// Number of pending event-time timers.
    public var eventTimerCount: Int { eventTimers.count }
    /// Number of pending processing-time timers.
    public var processingTimerCount: Int { processingTimers.count }

    /// Fires every event-time timer at or before `watermark`, in order.
    @inlinable
    public func advanceWatermark(_ watermark: Int64) throws {
        self.watermark = watermark
        defer { firingEventTimer = nil }
        while let timer = eventTimers.popIfDue(upTo: watermark) {
            firingEventTimer = timer
            try onEventTime(timer)
        }
    }

    /// Fires every pending processing-time timer now, in order (end of a bounded input).
    public func fireAllProcessingTimers() throws {
        while let timer = processingTimers.popIfDue(upTo: Int64.max) {
            try onProcessingTime(timer)
        }
        if let s = scheduled { processingTimeService.cancel(s.id) }
        scheduled = nil
    }

    @usableFromInline
    func schedule() {
        guard let next = processingTimers.peekTimestamp() else { return }
        if let s = scheduled {
            if s.time <= next { return }
            processingTimeService.cancel(s.id)
        }
        let id = processingTimeService.registerTimer(at: next) { [unowned self] time in
            self.scheduled = nil
            while let timer = self.processingTimers.popIfDue(upTo: time) {
                try self.onProcessingTime(timer)
            }
            self.schedule()
        }
        scheduled = (next, id)
    }
}
