// Tests of TimerQueue: heap ordering, deduplication, deletion and due-time boundaries.

import XCTest
@testable import RivuletCore

/// A small deterministic random generator (SplitMix64) for reproducible tests.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// The tests' namespaces: plain values (the engine's are windows and VoidNamespace).
extension Int: StateNamespace {}
extension String: StateNamespace {}

final class TimerQueueTests: XCTestCase {
    /// Windows' timers: 10k keys register the same end time in turn, then all fire, window
    /// after window, with the next window's timers registered while the previous ones are
    /// pending (the run of equal times, the live set's removals and its growth).
    func testWindowLikeTimersFireOnceEachInOrder() {
        let queue = TimerQueue<Int, TimeWindow>()
        var fired = 0
        for w in Int64(0)..<6 {
            let window = TimeWindow(start: w * 1000, end: w * 1000 + 1000)
            for key in 0..<10_000 {
                XCTAssertTrue(queue.register(timestamp: window.maxTimestamp, key: key, namespace: window))
                XCTAssertFalse(queue.register(timestamp: window.maxTimestamp, key: key, namespace: window))
            }
            XCTAssertEqual(queue.count, w == 0 ? 10_000 : 20_000)
            var last = Int64.min
            while let timer = queue.popIfDue(upTo: window.start - 1) {
                XCTAssertGreaterThanOrEqual(timer.timestamp, last)
                last = timer.timestamp
                fired += 1
            }
            XCTAssertEqual(queue.count, 10_000)
        }
        while queue.popIfDue(upTo: .max) != nil { fired += 1 }
        XCTAssertEqual(fired, 60_000)
        XCTAssertTrue(queue.isEmpty)
    }

    func testPopsManyRandomTimersInSortedOrder() {
        var rng = SplitMix64(state: 42)
        let queue = TimerQueue<Int, String>()
        var expected = Set<TimerEntry<Int, String>>()
        for _ in 0..<5000 {
            let t = Int64.random(in: -500..<1000, using: &rng)
            let k = Int.random(in: 0..<40, using: &rng)
            let n = Bool.random(using: &rng) ? "a" : "b"
            let isNew = expected.insert(TimerEntry(timestamp: t, key: k, namespace: n)).inserted
            XCTAssertEqual(queue.register(timestamp: t, key: k, namespace: n), isNew)
        }
        XCTAssertEqual(queue.count, expected.count)
        XCTAssertEqual(queue.peekTimestamp(), expected.map(\.timestamp).min())

        var popped: [TimerEntry<Int, String>] = []
        while let timer = queue.popIfDue(upTo: .max) { popped.append(timer) }
        XCTAssertEqual(popped.map(\.timestamp), expected.map(\.timestamp).sorted())
        XCTAssertEqual(Set(popped), expected)
        XCTAssertEqual(popped.count, expected.count, "every timer fires exactly once")
        XCTAssertTrue(queue.isEmpty)
        XCTAssertNil(queue.peekTimestamp())
    }

    /// The window benchmark's pattern: timers registered as records arrive, while the
    /// advancing watermark fires the earlier windows' timers in between.
    func testInterleavedRegistrationAndFiringFiresEveryTimerOnce() {
        var rng = SplitMix64(state: 11)
        let queue = TimerQueue<Int, TimeWindow>()
        var expected = Set<TimerEntry<Int, TimeWindow>>()
        var fired = Set<TimerEntry<Int, TimeWindow>>()
        for i in Int64(0)..<300_000 {
            let t = i / 100
            let window = TimeWindow(start: t - t % 1000, end: t - t % 1000 + 1000)
            let key = Int(rng.next() % 2000)
            let entry = TimerEntry(timestamp: window.maxTimestamp, key: key, namespace: window)
            XCTAssertEqual(queue.register(timestamp: entry.timestamp, key: key, namespace: window), expected.insert(entry).inserted)
            if i % 100 == 99 {
                while let timer = queue.popIfDue(upTo: t - 1) {
                    XCTAssertTrue(fired.insert(timer).inserted, "\(timer) fired twice")
                    XCTAssertLessThanOrEqual(timer.timestamp, t - 1)
                }
            }
        }
        while let timer = queue.popIfDue(upTo: .max) { XCTAssertTrue(fired.insert(timer).inserted) }
        XCTAssertEqual(fired.count, expected.count)
        XCTAssertEqual(fired, expected)
    }

    func testRegisteringTheSameTimerTwiceKeepsOne() {
        let queue = TimerQueue<String, Int>()
        XCTAssertTrue(queue.register(timestamp: 10, key: "k", namespace: 1))
        XCTAssertFalse(queue.register(timestamp: 10, key: "k", namespace: 1))
        XCTAssertTrue(queue.register(timestamp: 10, key: "k", namespace: 2), "another namespace is another timer")
        XCTAssertTrue(queue.register(timestamp: 10, key: "j", namespace: 1), "another key is another timer")
        XCTAssertTrue(queue.register(timestamp: 11, key: "k", namespace: 1), "another time is another timer")
        XCTAssertEqual(queue.count, 4)
        var fired = 0
        while queue.popIfDue(upTo: 100) != nil { fired += 1 }
        XCTAssertEqual(fired, 4)
    }

    func testDeleteRemovesTimersAndPeekSkipsThem() {
        let queue = TimerQueue<Int, Int>()
        queue.register(timestamp: 10, key: 1, namespace: 0)
        queue.register(timestamp: 20, key: 2, namespace: 0)
        queue.register(timestamp: 30, key: 3, namespace: 0)
        XCTAssertTrue(queue.delete(timestamp: 20, key: 2, namespace: 0))
        XCTAssertFalse(queue.delete(timestamp: 20, key: 2, namespace: 0))
        XCTAssertFalse(queue.delete(timestamp: 10, key: 9, namespace: 0))
        XCTAssertEqual(queue.count, 2)
        XCTAssertFalse(queue.contains(timestamp: 20, key: 2, namespace: 0))
        XCTAssertTrue(queue.delete(timestamp: 10, key: 1, namespace: 0))
        XCTAssertEqual(queue.peekTimestamp(), 30, "the deleted earliest timer is not peeked")
        XCTAssertEqual(queue.allTimers(), [TimerEntry(timestamp: 30, key: 3, namespace: 0)])
        XCTAssertEqual(queue.popIfDue(upTo: 100), TimerEntry(timestamp: 30, key: 3, namespace: 0))
        XCTAssertNil(queue.popIfDue(upTo: 100))

        // deleted then registered again: fires once
        queue.register(timestamp: 5, key: 1, namespace: 0)
        queue.register(timestamp: 6, key: 1, namespace: 0)
        queue.delete(timestamp: 6, key: 1, namespace: 0)
        queue.register(timestamp: 6, key: 1, namespace: 0)
        XCTAssertEqual(queue.count, 2)
        XCTAssertEqual(queue.popIfDue(upTo: 10)?.timestamp, 5)
        XCTAssertEqual(queue.popIfDue(upTo: 10)?.timestamp, 6)
        XCTAssertNil(queue.popIfDue(upTo: 10))
        XCTAssertTrue(queue.isEmpty)
    }

    func testManyDeletesLeaveTheRightTimersInOrder() {
        var rng = SplitMix64(state: 7)
        let queue = TimerQueue<Int, Int>()
        var live = Set<TimerEntry<Int, Int>>()
        for i in 0..<2000 {
            let t = Int64.random(in: 0..<300, using: &rng)
            queue.register(timestamp: t, key: i, namespace: 0)
            live.insert(TimerEntry(timestamp: t, key: i, namespace: 0))
        }
        for entry in live.shuffled(using: &rng).prefix(1800) {
            XCTAssertTrue(queue.delete(timestamp: entry.timestamp, key: entry.key, namespace: 0))
            live.remove(entry)
        }
        // re-register some deleted and some live ones
        for i in 0..<50 {
            let t = Int64(i)
            if queue.register(timestamp: t, key: i, namespace: 0) { live.insert(TimerEntry(timestamp: t, key: i, namespace: 0)) }
        }
        XCTAssertEqual(queue.count, live.count)
        let snapshot = queue.allTimers()
        XCTAssertEqual(Set(snapshot), live)
        XCTAssertEqual(snapshot.count, live.count)
        XCTAssertEqual(snapshot.map(\.timestamp), live.map(\.timestamp).sorted())

        let restored = TimerQueue<Int, Int>(restoring: snapshot + snapshot)
        XCTAssertEqual(restored.count, live.count)
        var popped: [TimerEntry<Int, Int>] = []
        while let timer = queue.popIfDue(upTo: .max) { popped.append(timer) }
        XCTAssertEqual(popped.map(\.timestamp), live.map(\.timestamp).sorted())
        XCTAssertEqual(Set(popped), live)
        var poppedRestored = 0
        while restored.popIfDue(upTo: .max) != nil { poppedRestored += 1 }
        XCTAssertEqual(poppedRestored, live.count)
    }

    func testPopIfDueBoundaries() {
        let queue = TimerQueue<Int, Int>()
        XCTAssertNil(queue.popIfDue(upTo: .max))
        queue.register(timestamp: 20, key: 0, namespace: 0)
        queue.register(timestamp: 10, key: 0, namespace: 0)
        queue.register(timestamp: Int64.max, key: 0, namespace: 0)
        XCTAssertEqual(queue.peekTimestamp(), 10)
        XCTAssertNil(queue.popIfDue(upTo: 9))
        XCTAssertEqual(queue.popIfDue(upTo: 10)?.timestamp, 10, "a timer is due when time equals its timestamp")
        XCTAssertNil(queue.popIfDue(upTo: 10))
        XCTAssertNil(queue.popIfDue(upTo: 19))
        XCTAssertEqual(queue.popIfDue(upTo: 25)?.timestamp, 20)
        XCTAssertNil(queue.popIfDue(upTo: Int64.max - 1))
        XCTAssertEqual(queue.popIfDue(upTo: Int64.max)?.timestamp, Int64.max)
        XCTAssertTrue(queue.isEmpty)
    }
}
