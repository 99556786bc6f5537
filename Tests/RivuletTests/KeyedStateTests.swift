// The keyed state kinds of the heap backend, with and without TTL.

import XCTest
import Rivulet
import RivuletCore

final class KeyedStateTests: XCTestCase {
    final class Clock: @unchecked Sendable {
        // Test-only: read and written on the test's thread alone.
        var now: Int64 = 1000
    }

    func backend(_ clock: Clock = Clock()) -> KeyedStateBackend<String> {
        KeyedStateBackend<String>(operatorName: "op", keyGroupRange: KeyGroupRange(startKeyGroup: 0, endKeyGroup: 128),
                                  maxParallelism: 128, clock: { clock.now })
    }

    func testValueStateIsScopedToTheCurrentKey() throws {
        let b = backend()
        let v = try b.valueState(ValueStateDescriptor<Int>("v"))
        b.setCurrentKey("a")
        XCTAssertNil(try v.value())
        try v.update(1)
        b.setCurrentKey("b")
        XCTAssertNil(try v.value())
        try v.update(2)
        b.setCurrentKey("a")
        XCTAssertEqual(try v.value(), 1)
        try v.clear()
        XCTAssertNil(try v.value())
        b.setCurrentKey("b")
        XCTAssertEqual(try v.value(), 2)
    }

    func testListMapReducingAggregatingState() throws {
        struct Avg: AggregateFunction {
            func createAccumulator() -> [Int] { [0, 0] }
            func add(_ value: Int, to acc: inout [Int]) throws { acc[0] += value; acc[1] += 1 }
            func result(_ acc: [Int]) throws -> Double { Double(acc[0]) / Double(acc[1]) }
            func merge(_ a: [Int], _ b: [Int]) throws -> [Int] { [a[0] + b[0], a[1] + b[1]] }
        }
        let b = backend()
        b.setCurrentKey("k")
        let list = try b.listState(ListStateDescriptor<String>("l"))
        try list.add("x")
        try list.addAll(["y", "z"])
        XCTAssertEqual(try list.get(), ["x", "y", "z"])
        try list.update(["q"])
        XCTAssertEqual(try list.get(), ["q"])
        let map = try b.mapState(MapStateDescriptor<String, Int>("m"))
        try map.put("one", 1)
        try map.put("two", 2)
        try map.remove("one")
        XCTAssertEqual(try map.entries(), ["two": 2])
        XCTAssertTrue(try map.contains("two"))
        let reducing = try b.reducingState(ReducingStateDescriptor<Int>("r") { $0 * $1 })
        try reducing.add(3)
        try reducing.add(4)
        XCTAssertEqual(try reducing.get(), 12)
        let agg = try b.aggregatingState(AggregatingStateDescriptor("a", function: Avg()))
        try agg.add(1)
        try agg.add(4)
        XCTAssertEqual(try agg.get(), 2.5)
        b.setCurrentKey("other")
        XCTAssertEqual(try list.get(), [])
        XCTAssertTrue(try map.isEmpty())
        XCTAssertNil(try reducing.get())
        XCTAssertNil(try agg.get())
    }

    func testTTLExpiresEntriesAndReadRefreshes() throws {
        let clock = Clock()
        let b = backend(clock)
        b.setCurrentKey("k")
        let write = try b.valueState(ValueStateDescriptor<Int>("w", ttl: StateTtlConfig(ttl: .milliseconds(100))))
        let read = try b.valueState(ValueStateDescriptor<Int>("r", ttl: StateTtlConfig(ttl: .milliseconds(100), updateType: .onReadAndWrite)))
        let list = try b.listState(ListStateDescriptor<Int>("l", ttl: StateTtlConfig(ttl: .milliseconds(100))))
        try write.update(1)
        try read.update(1)
        try list.add(1)
        clock.now += 60
        try list.add(2)
        XCTAssertEqual(try write.value(), 1)
        XCTAssertEqual(try read.value(), 1)   // refreshed at +60
        clock.now += 60                       // +120: written-at-0 entries expired
        XCTAssertNil(try write.value())
        XCTAssertEqual(try read.value(), 1)   // last read at +60
        XCTAssertEqual(try list.get(), [2])   // element 1 expired, 2 lives
        clock.now += 200
        XCTAssertNil(try read.value())
        XCTAssertEqual(try list.get(), [])
    }

    func testTTLMapStateExpiresPerEntry() throws {
        let clock = Clock()
        let b = backend(clock)
        b.setCurrentKey("k")
        let map = try b.mapState(MapStateDescriptor<String, Int>("m", ttl: StateTtlConfig(ttl: .milliseconds(50))))
        try map.put("old", 1)
        clock.now += 40
        try map.put("new", 2)
        clock.now += 20
        XCTAssertEqual(try map.entries(), ["new": 2])
        XCTAssertNil(try map.get("old"))
    }

    func testSameNameWithOtherTypeAndAccessWithoutKeyAreErrors() throws {
        let b = backend()
        _ = try b.valueState(ValueStateDescriptor<Int>("s"))
        XCTAssertThrowsError(try b.valueState(ValueStateDescriptor<String>("s"))) {
            XCTAssertTrue("\($0)".contains("'s'"), "\($0)")
        }
        XCTAssertThrowsError(try b.listState(ListStateDescriptor<Int>("s")))
        let v = try b.valueState(ValueStateDescriptor<Int>("s"))
        XCTAssertThrowsError(try v.value()) { XCTAssertTrue("\($0)".contains("no current key"), "\($0)") }
    }

    func testOperatorListState() throws {
        let store = OperatorStateStore()
        let offsets = try store.listState("offsets", of: Int.self)
        offsets.add(3)
        offsets.add(4)
        XCTAssertEqual(offsets.get(), [3, 4])
        XCTAssertEqual(try store.listState("offsets", of: Int.self).get(), [3, 4])
        XCTAssertThrowsError(try store.listState("offsets", of: String.self))
    }
}
