// The keyed state kinds, with and without TTL: one suite that both backends pass.

import Foundation
import Synchronization
import XCTest
import Rivulet
import RivuletCore
import RivuletTesting

/// The heap backend runs the state suite.
final class KeyedStateTests: XCTestCase {
    func suite() -> KeyedStateSuite { KeyedStateSuite(rocksdb: false) }
    func testValueStateIsScopedToTheCurrentKey() throws { try suite().testValueStateIsScopedToTheCurrentKey() }
    func testListMapReducingAggregatingState() throws { try suite().testListMapReducingAggregatingState() }
    func testTTLExpiresEntriesAndReadRefreshes() throws { try suite().testTTLExpiresEntriesAndReadRefreshes() }
    func testTTLMapStateExpiresPerEntry() throws { try suite().testTTLMapStateExpiresPerEntry() }
    func testSameNameWithOtherTypeAndAccessWithoutKeyAreErrors() throws { try suite().testSameNameWithOtherTypeAndAccessWithoutKeyAreErrors() }
    func testSnapshotRestoresIntoEitherBackend() throws { try suite().testSnapshotRestores(intoRocksDB: false) }
    func testSnapshotRestoresIntoRocksDB() throws { try suite().testSnapshotRestores(intoRocksDB: true) }
    func testChurningKeysLeaveTheState() throws { try suite().testChurningKeysLeaveTheState() }
    func testFullSnapshotsLeaveExpiredEntriesOut() throws { try suite().testFullSnapshotsLeaveExpiredEntriesOut() }

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

/// The RocksDB backend runs the same suite.
final class RocksDBKeyedStateTests: XCTestCase {
    func suite() -> KeyedStateSuite { KeyedStateSuite(rocksdb: true) }
    func testValueStateIsScopedToTheCurrentKey() throws { try suite().testValueStateIsScopedToTheCurrentKey() }
    func testListMapReducingAggregatingState() throws { try suite().testListMapReducingAggregatingState() }
    func testTTLExpiresEntriesAndReadRefreshes() throws { try suite().testTTLExpiresEntriesAndReadRefreshes() }
    func testTTLMapStateExpiresPerEntry() throws { try suite().testTTLMapStateExpiresPerEntry() }
    func testSameNameWithOtherTypeAndAccessWithoutKeyAreErrors() throws { try suite().testSameNameWithOtherTypeAndAccessWithoutKeyAreErrors() }
    func testSnapshotRestoresIntoHeap() throws { try suite().testSnapshotRestores(intoRocksDB: false) }
    func testSnapshotRestoresIntoRocksDB() throws { try suite().testSnapshotRestores(intoRocksDB: true) }
    func testChurningKeysLeaveTheState() throws { try suite().testChurningKeysLeaveTheState() }
    func testFullSnapshotsLeaveExpiredEntriesOut() throws { try suite().testFullSnapshotsLeaveExpiredEntriesOut() }

    func testDisposeDeletesTheWorkingDirectory() throws {
        let store = try KeyedStateSuite.store()
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.path))
        store.dispose()
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path))
    }
}

/// The state tests, run against one backend kind.
struct KeyedStateSuite {
    let rocksdb: Bool

    /// The time RocksDB's compaction threads see.
    final class CompactionTime: Sendable {
        let now = Atomic<Int64>(0)
    }

    static func store(maxParallelism: Int = 128) throws -> RocksDBKeyedStore {
        let config = try Configuration(["state.backend.rocksdb.localdir": NSTemporaryDirectory() + "rivulet-test-rocksdb"])
        return try RocksDBKeyedStore(
            settings: RocksDBBackendSettings(config), operatorUID: "op", subtask: 0, runID: "test",
            maxParallelism: maxParallelism)
    }

    func backend(
        _ clock: ManualClock = ManualClock(millis: 1000), rocksdb: Bool? = nil,
        range: KeyGroupRange = KeyGroupRange(startKeyGroup: 0, endKeyGroup: 128),
        restored: KeyedStateSnapshot? = nil
    ) -> KeyedStateBackend<String> {
        let useRocks = rocksdb ?? self.rocksdb
        return KeyedStateBackend<String>(
            operatorName: "op", keyGroupRange: range, maxParallelism: 128, clock: clock.read,
            restored: restored, rocks: useRocks ? try? Self.store() : nil)
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
        let clock = ManualClock(millis: 1000)
        let b = backend(clock)
        b.setCurrentKey("k")
        let write = try b.valueState(ValueStateDescriptor<Int>("w", ttl: StateTtlConfig(ttl: .milliseconds(100))))
        let read = try b.valueState(ValueStateDescriptor<Int>("r", ttl: StateTtlConfig(ttl: .milliseconds(100), updateType: .onReadAndWrite)))
        let list = try b.listState(ListStateDescriptor<Int>("l", ttl: StateTtlConfig(ttl: .milliseconds(100))))
        try write.update(1)
        try read.update(1)
        try list.add(1)
        clock.advance(by: 60)
        try list.add(2)
        XCTAssertEqual(try write.value(), 1)
        XCTAssertEqual(try read.value(), 1)  // refreshed at +60
        clock.advance(by: 60)  // +120: written-at-0 entries expired
        XCTAssertNil(try write.value())
        XCTAssertEqual(try read.value(), 1)  // last read at +60
        XCTAssertEqual(try list.get(), [2])  // element 1 expired, 2 lives
        clock.advance(by: 200)
        XCTAssertNil(try read.value())
        XCTAssertEqual(try list.get(), [])
    }

    func testTTLMapStateExpiresPerEntry() throws {
        let clock = ManualClock(millis: 1000)
        let b = backend(clock)
        b.setCurrentKey("k")
        let map = try b.mapState(MapStateDescriptor<String, Int>("m", ttl: StateTtlConfig(ttl: .milliseconds(50))))
        try map.put("old", 1)
        clock.advance(by: 40)
        try map.put("new", 2)
        clock.advance(by: 20)
        XCTAssertEqual(try map.entries(), ["new": 2])
        XCTAssertNil(try map.get("old"))
    }

    /// A job whose keys each arrive for a while and then never again (sessions, devices that
    /// go away): with a TTL its state must stay bounded, not keep every key it ever saw. The
    /// heap backend removes expired entries as the state is used (incremental cleanup),
    /// RocksDB when it compacts; with cleanup in the background off, every key stays.
    func testChurningKeysLeaveTheState() throws {
        let clock = ManualClock(millis: 1000)
        let b = backend(clock)
        // Compactions run on RocksDB's threads: they read the time from a sendable copy.
        let compactionTime = CompactionTime()
        b.rocks?.compactionClock = { compactionTime.now.load(ordering: .relaxed) }
        let ttl = StateTtlConfig(ttl: .milliseconds(100))
        let cleaned = try b.valueState(ValueStateDescriptor<Int>("cleaned", ttl: ttl))
        let kept = try b.valueState(ValueStateDescriptor<Int>("kept", ttl: ttl.disableCleanupInBackground()))
        let seen = try b.mapState(MapStateDescriptor<String, Int>("seen", ttl: ttl))
        let keys = 20_000
        for i in 0..<keys {
            clock.advance(by: 1)  // a key a millisecond: each outlives its TTL 100 keys later
            b.setCurrentKey("device-\(i)")
            try cleaned.update(i)
            try kept.update(i)
            try seen.put("first", i)
        }
        XCTAssertNil(
            try {
                b.setCurrentKey("device-0"); return try cleaned.value()
            }(), "an expired key reads as absent")
        if let rocks = b.rocks {
            compactionTime.now.store(clock.millis, ordering: .relaxed)
            for name in ["cleaned", "kept", "seen"] { rocks.db.compact(try rocks.family(name)) }
        }
        // At most the keys of the last TTL live; the incremental sweep lags a little behind.
        XCTAssertLessThan(try b.entryCount("cleaned"), 1000, "of \(keys) keys written 1 ms apart with a 100 ms TTL")
        XCTAssertLessThan(try b.entryCount("seen"), 1000, "map state entries")
        XCTAssertEqual(try b.entryCount("kept"), keys, "without cleanup in the background every key stays until read")
        b.setCurrentKey("device-\(keys - 1)")
        XCTAssertEqual(try cleaned.value(), keys - 1, "the newest key lives")
        XCTAssertEqual(try seen.get("first"), keys - 1)
    }

    /// With `cleanupFullSnapshot`, a snapshot leaves expired entries out, while the running
    /// state may still hold them; other states keep theirs.
    func testFullSnapshotsLeaveExpiredEntriesOut() throws {
        let clock = ManualClock(millis: 1000)
        let b = backend(clock)
        let quiet = StateTtlConfig(ttl: .milliseconds(100)).disableCleanupInBackground()
        let cleaned = try b.valueState(ValueStateDescriptor<Int>("cleaned", ttl: quiet.cleanupFullSnapshot()))
        let kept = try b.valueState(ValueStateDescriptor<Int>("kept", ttl: quiet))
        let map = try b.mapState(MapStateDescriptor<String, Int>("map", ttl: quiet.cleanupFullSnapshot()))
        for i in 0..<100 {
            if i == 50 { clock.advance(by: 80) }
            b.setCurrentKey("key-\(i)")
            try cleaned.update(i)
            try kept.update(i)
            try map.put("a", i)
        }
        clock.advance(by: 40)  // the first 50 keys' entries expired, the last 50 not
        XCTAssertEqual(try b.entryCount("cleaned"), 100, "the running state still holds expired entries")
        let snapshot = try b.snapshot()
        let restored = backend(clock, restored: snapshot)
        _ = try restored.valueState(ValueStateDescriptor<Int>("cleaned", ttl: quiet.cleanupFullSnapshot()))
        _ = try restored.valueState(ValueStateDescriptor<Int>("kept", ttl: quiet))
        _ = try restored.mapState(MapStateDescriptor<String, Int>("map", ttl: quiet.cleanupFullSnapshot()))
        XCTAssertEqual(try restored.entryCount("cleaned"), 50)
        XCTAssertEqual(try restored.entryCount("map"), 50)
        XCTAssertEqual(try restored.entryCount("kept"), 100)
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

    /// Writes every kind of state, snapshots, restores into a backend of the other (or same)
    /// kind, at full range and at half the key groups, and reads everything back.
    func testSnapshotRestores(intoRocksDB: Bool) throws {
        let b = backend()
        XCTAssertEqual(b.rocks != nil, rocksdb)
        let v = try b.valueState(ValueStateDescriptor<Int>("v"))
        let l = try b.listState(ListStateDescriptor<String>("l"))
        let m = try b.mapState(MapStateDescriptor<String, Double>("m"))
        let keys = (0..<200).map { "key-\($0)" }
        for (i, k) in keys.enumerated() {
            b.setCurrentKey(k)
            try v.update(i)
            try l.addAll(["a\(i)", "b\(i)"])
            try m.put("x", Double(i))
            try m.put("y", -Double(i))
        }
        let snapshot = try b.snapshot()
        var reader = BinaryReader(snapshot.binaryEncoded())
        XCTAssertEqual(try KeyedStateSnapshot(from: &reader), snapshot, "the snapshot encoding round-trips")
        for range in [KeyGroupRange(startKeyGroup: 0, endKeyGroup: 128), KeyGroupRange(startKeyGroup: 64, endKeyGroup: 128)] {
            let r = backend(rocksdb: intoRocksDB, range: range, restored: snapshot)
            let v2 = try r.valueState(ValueStateDescriptor<Int>("v"))
            let l2 = try r.listState(ListStateDescriptor<String>("l"))
            let m2 = try r.mapState(MapStateDescriptor<String, Double>("m"))
            var restored = 0
            for (i, k) in keys.enumerated() {
                r.setCurrentKey(k)
                let owned = range.contains(KeyGroupRangeAssignment.keyGroup(for: k, maxParallelism: 128))
                XCTAssertEqual(try v2.value(), owned ? i : nil, k)
                XCTAssertEqual(try l2.get(), owned ? ["a\(i)", "b\(i)"] : [], k)
                XCTAssertEqual(try m2.entries(), owned ? ["x": Double(i), "y": -Double(i)] : [:], k)
                if owned { restored += 1 }
            }
            XCTAssertGreaterThan(restored, 0)
            XCTAssertThrowsError(try backend(rocksdb: intoRocksDB, restored: snapshot).valueState(ValueStateDescriptor<String>("v"))) {
                XCTAssertTrue("\($0)".contains("ValueState<Int>") && "\($0)".contains("ValueState<String>"), "\($0)")
            }
        }
    }
}
