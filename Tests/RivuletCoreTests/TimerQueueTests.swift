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

final class TimerQueueTests: XCTestCase {
    func testPopsManyRandomTimersInSortedOrder() {
        var rng = SplitMix64(state: 42)
        var queue = TimerQueue<Int, String>()
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

    func testRegisteringTheSameTimerTwiceKeepsOne() {
        var queue = TimerQueue<String, Int>()
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
        var queue = TimerQueue<Int, Int>()
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
        var queue = TimerQueue<Int, Int>()
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

        var restored = TimerQueue<Int, Int>(restoring: snapshot + snapshot)
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
        var queue = TimerQueue<Int, Int>()
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
