// Processing-time timers of one task, fired as mailbox actions on the task's thread.

import Foundation
import HeapModule

/// Wall-clock milliseconds since the epoch.
public enum SystemClock {
    public static func nowMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Schedules callbacks at processing times; the task fires them between records.
/// Confined to the task's thread.
public final class ProcessingTimeService {
    struct Scheduled: Comparable {
        var time: Int64
        var sequence: Int
        var id: Int
        static func < (a: Scheduled, b: Scheduled) -> Bool {
            (a.time, a.sequence) < (b.time, b.sequence)
        }
        static func == (a: Scheduled, b: Scheduled) -> Bool { a.id == b.id }
    }

    private var heap = Heap<Scheduled>()
    private var callbacks: [Int: (Int64) throws -> Void] = [:]
    private var sequence = 0
    /// Source of "now"; replaceable in tests.
    public let clock: () -> Int64

    public init(clock: @escaping () -> Int64 = SystemClock.nowMillis) {
        self.clock = clock
    }

    /// Current processing time in milliseconds.
    public func currentTime() -> Int64 { clock() }

    /// Runs `callback(time)` on the task thread once processing time reaches `time`.
    /// Returns an id for `cancel`.
    @discardableResult
    public func registerTimer(at time: Int64, _ callback: @escaping (Int64) throws -> Void) -> Int {
        sequence += 1
        let id = sequence
        callbacks[id] = callback
        heap.insert(Scheduled(time: time, sequence: sequence, id: id))
        return id
    }

    /// Cancels a timer that has not fired yet.
    public func cancel(_ id: Int) { callbacks[id] = nil }

    /// The earliest pending time, if any.
    public var nextTime: Int64? {
        while let top = heap.min, callbacks[top.id] == nil { _ = heap.removeMin() }
        return heap.min?.time
    }

    /// Fires every callback due at `now`, earliest first.
    public func fireDue(now: Int64) throws {
        while let top = heap.min, top.time <= now {
            _ = heap.removeMin()
            if let callback = callbacks.removeValue(forKey: top.id) {
                try callback(top.time)
            }
        }
    }

    /// Drops every pending timer (task shutdown).
    public func clear() {
        heap = Heap()
        callbacks.removeAll()
    }
}
