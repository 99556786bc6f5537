// The state hash map against Dictionary under random inserts, updates and removals.

import XCTest
import Rivulet
import RivuletCore

final class StateHashMapTests: XCTestCase {
    /// A key whose hash collides on purpose (long probe runs, wrap-around, backward shifts).
    struct CollidingKey: Hashable, Sendable, BinaryCodable {
        var id: Int
        func encode(to writer: inout BinaryWriter) { writer.writeInt(id) }
        init(id: Int) { self.id = id }
        init(from reader: inout BinaryReader) throws { id = try reader.readInt() }
        func keyHash() -> UInt32 { UInt32(id % 7) }
    }

    func testMatchesDictionaryUnderRandomOperations() {
        var rng = SplitMix64(seed: 99)
        let map = StateHashMap<String, TimeWindow, Int>(capacity: 4)
        var reference: [HeapStateKey<String, TimeWindow>: Int] = [:]
        for step in 0..<100_000 {
            let key = "k\(rng.next() % 500)"
            let window = TimeWindow(start: Int64(rng.next() % 8) * 10, end: Int64(rng.next() % 8) * 10 + 10)
            let r = HeapStateKey(key, window)
            switch rng.next() % 4 {
            case 0, 1:
                let created = map.upsert(key, window) { v in v = (v ?? 0) + step }
                XCTAssertEqual(created, reference[r] == nil)
                reference[r, default: 0] += step
            case 2:
                XCTAssertEqual(map.removeValue(key, window), reference.removeValue(forKey: r))
            default:
                map.upsert(key, window) { v in if step % 3 == 0 { v = nil } }
                if step % 3 == 0 { reference[r] = nil }
            }
            if step % 997 == 0 {
                XCTAssertEqual(map.count, reference.count)
                for (k, v) in reference { XCTAssertEqual(map.value(k.key, k.namespace), v) }
            }
        }
        var seen = 0
        map.forEach { k, n, v in
            seen += 1
            XCTAssertEqual(reference[HeapStateKey(k, n)], v)
        }
        XCTAssertEqual(seen, reference.count)
    }

    /// Values of an empty type (the timer queue's live set): a size-0 value still moves a
    /// 1-byte stride, which once overwrote the next slot's hash and left probes with no end.
    func testEmptyValuesMatchASetUnderRandomOperations() {
        var rng = SplitMix64(seed: 5)
        let map = StateHashMap<Int, TimeWindow, Void>()
        var reference = Set<HeapStateKey<Int, TimeWindow>>()
        for step in 0..<50_000 {
            let key = Int(rng.next() % 3000)
            let window = TimeWindow(start: Int64(rng.next() % 4) * 10, end: Int64(rng.next() % 4) * 10 + 10)
            if rng.next() % 3 == 0 {
                XCTAssertEqual(map.removeValue(key, window) != nil, reference.remove(HeapStateKey(key, window)) != nil)
            } else {
                XCTAssertEqual(map.upsert(key, window) { $0 = () }, reference.insert(HeapStateKey(key, window)).inserted)
            }
            if step % 4999 == 0 {
                XCTAssertEqual(map.count, reference.count)
                for r in reference { XCTAssertNotNil(map.value(r.key, r.namespace)) }
            }
        }
        var seen = 0
        map.forEach { k, n, _ in
            seen += 1
            XCTAssertTrue(reference.contains(HeapStateKey(k, n)))
        }
        XCTAssertEqual(seen, reference.count)
    }

    func testCollidingHashesKeepEveryEntryReachableAfterRemovals() {
        let map = StateHashMap<CollidingKey, VoidNamespace, Int>()
        for i in 0..<300 { map.set(CollidingKey(id: i), VoidNamespace(), i) }
        for i in stride(from: 0, to: 300, by: 3) { XCTAssertEqual(map.removeValue(CollidingKey(id: i), VoidNamespace()), i) }
        for i in 0..<300 {
            XCTAssertEqual(map.value(CollidingKey(id: i), VoidNamespace()), i % 3 == 0 ? nil : i, "key \(i)")
        }
        XCTAssertEqual(map.count, 200)
    }

    func testValuesAreReleasedAndBodyErrorsKeepTheEntry() {
        struct Oops: Error {}
        final class Counter { var alive = 0 }
        final class Tracked {
            let counter: Counter
            init(_ counter: Counter) { self.counter = counter; counter.alive += 1 }
            deinit { counter.alive -= 1 }
        }
        let counter = Counter()
        do {
            let map = StateHashMap<Int, VoidNamespace, Tracked>()
            for i in 0..<100 { map.set(i, VoidNamespace(), Tracked(counter)) }
            XCTAssertThrowsError(try map.upsert(5, VoidNamespace()) { _ in throw Oops() })
            XCTAssertNotNil(map.value(5, VoidNamespace()))
            map.set(6, VoidNamespace(), nil)
            XCTAssertEqual(counter.alive, 99)
        }
        XCTAssertEqual(counter.alive, 0)
    }

    /// keyed-sum's table: an 8-byte key, an empty namespace and a 24-byte value make a 40-byte
    /// slot (the namespace takes no room), and 10k keys fill the table to over 3/8.
    func testEmptyNamespaceTakesNoRoomAndTheTableStaysDense() {
        struct Sum: Equatable { var key = 0, count = 0, sum = 0 }
        let map = StateHashMap<Int, VoidNamespace, Sum>()
        for k in 0..<10_000 { map.set(k, VoidNamespace(), Sum(key: k, count: 1, sum: k)) }
        XCTAssertEqual(map.count, 10_000)
        let capacity = map.memoryBytes / 40
        XCTAssertEqual(map.memoryBytes % 40, 0, "a slot is 40 bytes")
        XCTAssertEqual(capacity & (capacity - 1), 0, "\(map.memoryBytes) bytes are not a power of two of 40-byte slots")
        XCTAssertLessThanOrEqual(map.count * 4, capacity * 3, "over 3/4 full")
        XCTAssertGreaterThan(map.count * 8, capacity * 3, "under 3/8 full")
        for k in 0..<10_000 { XCTAssertEqual(map.value(k, VoidNamespace()), Sum(key: k, count: 1, sum: k)) }
    }

    /// A table large enough for its own huge-page mapping (over 2 MiB) works as a small one,
    /// through growth, removal and release of its values.
    func testLargeTablesOnMappedMemory() {
        final class Counter { var alive = 0 }
        final class Tracked {
            let counter: Counter
            let id: Int
            init(_ counter: Counter, _ id: Int) { self.counter = counter; self.id = id; counter.alive += 1 }
            deinit { counter.alive -= 1 }
        }
        let counter = Counter()
        do {
            let map = StateHashMap<Int, VoidNamespace, Tracked>()
            for k in 0..<200_000 { map.set(k, VoidNamespace(), Tracked(counter, k)) }
            XCTAssertGreaterThanOrEqual(map.memoryBytes, SlotMemory.hugePageThreshold)
            for k in stride(from: 0, to: 200_000, by: 2) { XCTAssertEqual(map.removeValue(k, VoidNamespace())?.id, k) }
            XCTAssertEqual(counter.alive, 100_000)
            for k in 0..<200_000 { XCTAssertEqual(map.value(k, VoidNamespace())?.id, k % 2 == 0 ? nil : k, "key \(k)") }
        }
        XCTAssertEqual(counter.alive, 0, "freeing the table releases every value")
    }

    /// Incremental cleanup's sweep: a few slots at a time, round the table, removing what the
    /// predicate matches and nothing else, through backward shifts and colliding runs.
    func testRemoveEntriesSweepsTheTableInSteps() {
        let map = StateHashMap<CollidingKey, VoidNamespace, Int>()
        for i in 0..<2000 { map.set(CollidingKey(id: i), VoidNamespace(), i) }
        var cursor = 0
        var steps = 0
        while map.count > 1000 && steps < 10_000 {
            cursor = map.removeEntries(from: cursor, visiting: 5) { $0 % 2 == 0 }
            steps += 1
        }
        XCTAssertEqual(map.count, 1000, "every even value removed after \(steps) steps of 5 slots")
        for i in 0..<2000 { XCTAssertEqual(map.value(CollidingKey(id: i), VoidNamespace()), i % 2 == 0 ? nil : i, "key \(i)") }
        map.removeEntries(from: cursor, visiting: 100_000) { _ in false }
        XCTAssertEqual(map.count, 1000, "a sweep that matches nothing removes nothing")
    }
}
