// The timer services: event-time timers fire in time order as the watermark passes them,
// processing-time timers fire through the task's ProcessingTimeService on a manual clock.

import XCTest
import Rivulet
import RivuletCore
import RivuletTesting

final class TimerServiceTests: XCTestCase {
    func testEventTimersFireInTimestampOrderUpToTheWatermark() throws {
        let service = InternalTimerService<String, VoidNamespace>(processingTimeService: ProcessingTimeService())
        var fired: [String] = []
        service.onEventTime = { fired.append("\($0.key)@\($0.timestamp)") }
        for (key, time) in [("b", 30), ("a", 10), ("c", 20), ("a", 10), ("a", 40)] {
            service.registerEventTimeTimer(key: key, namespace: VoidNamespace(), time: Int64(time))
        }
        service.deleteEventTimeTimer(key: "a", namespace: VoidNamespace(), time: 40)
        try service.advanceWatermark(20)
        XCTAssertEqual(fired, ["a@10", "c@20"])  // the duplicate a@10 fires once
        try service.advanceWatermark(Int64.max)
        XCTAssertEqual(fired, ["a@10", "c@20", "b@30"])  // a@40 was deleted
        XCTAssertEqual(service.currentWatermark, Int64.max)
    }

    func testProcessingTimersFireWhenTheClockPassesThem() throws {
        let clock = ManualClock()
        let pts = ProcessingTimeService(clock: clock.read)
        let service = InternalTimerService<Int, VoidNamespace>(processingTimeService: pts)
        var fired: [Int64] = []
        service.onProcessingTime = { fired.append($0.timestamp) }
        service.registerProcessingTimeTimer(key: 1, namespace: VoidNamespace(), time: 50)
        service.registerProcessingTimeTimer(key: 2, namespace: VoidNamespace(), time: 20)
        XCTAssertEqual(pts.nextTime, 20)
        clock.set(25)
        try pts.fireDue(now: clock.millis)
        XCTAssertEqual(fired, [20])
        XCTAssertEqual(pts.nextTime, 50)
        clock.set(100)
        try pts.fireDue(now: clock.millis)
        XCTAssertEqual(fired, [20, 50])
        XCTAssertNil(pts.nextTime)
    }

    func testProcessingTimeServiceOrdersCallbacksAndCancels() throws {
        let pts = ProcessingTimeService(clock: { 0 })
        var order: [String] = []
        pts.registerTimer(at: 30) { _ in order.append("c") }
        let cancelled = pts.registerTimer(at: 10) { _ in order.append("x") }
        pts.registerTimer(at: 20) { _ in order.append("b") }
        pts.registerTimer(at: 20) { _ in order.append("b2") }
        pts.cancel(cancelled)
        try pts.fireDue(now: 25)
        XCTAssertEqual(order, ["b", "b2"])
        try pts.fireDue(now: 30)
        XCTAssertEqual(order, ["b", "b2", "c"])
    }
}

/// A timer service that keeps few timers in memory and spills the rest to RocksDB fires the
/// same timers as one that keeps all in memory, in time order, and snapshots the same set.
final class TimerSpillTests: XCTestCase {
    typealias Service = InternalTimerService<Int, TimeWindow>

    func spillingService(capacity: Int, time: ProcessingTimeService) throws -> (Service, RocksDBKeyedStore, RocksDBTimerStore<Int, TimeWindow>) {
        var settings = RocksDBBackendSettings(try Configuration([:]))
        settings.localDirectory = NSTemporaryDirectory() + "rivulet-test-rocksdb"
        let rocks = try RocksDBKeyedStore(settings: settings, operatorUID: "timers", subtask: 0, runID: "spill", maxParallelism: 128)
        let timers = RocksDBTimerStore<Int, TimeWindow>(store: rocks, family: try rocks.family("_timers"))
        let service = Service(processingTimeService: time)
        service.spill(
            to: TimerSpillStore(
                write: { try timers.write($0, $1) }, delete: { try timers.delete($0, $1) },
                take: { try timers.take($0, limit: $1) }, all: { try timers.all() }),
            capacity: capacity)
        return (service, rocks, timers)
    }

    func testSpilledTimersFireLikeTimersInMemory() throws {
        let clock = ManualClock()
        let spillTime = ProcessingTimeService(clock: clock.read)
        let (spilling, rocks, stored) = try spillingService(capacity: 4, time: spillTime)
        var timersWereInRocksDB = false
        defer { rocks.dispose() }
        let plainTime = ProcessingTimeService(clock: clock.read)
        let plain = Service(processingTimeService: plainTime)
        var fired: [[String]] = [[], []]
        var batches: [[[TimerEntry<Int, TimeWindow>]]] = [[], []]
        for (i, service) in [plain, spilling].enumerated() {
            service.onEventTime = { t in
                fired[i].append("e \(t.timestamp) \(t.key)")
                batches[i][batches[i].count - 1].append(t)
                // A timer firing registers a later one, as a trigger might.
                if t.key % 5 == 0 && t.timestamp < Int64.max - 3 {
                    service.registerEventTimeTimer(key: t.key + 1, namespace: t.namespace, time: t.timestamp + 3)
                }
            }
            service.onProcessingTime = { t in fired[i].append("p \(t.timestamp) \(t.key)") }
        }
        var random = SplitMix64(seed: 42)
        var watermark: Int64 = 0
        for step in 0..<4000 {
            let key = Int(random.next() % 50)
            // Now and then a timer at the end of time, as functions that wait for the end of input register.
            let time = random.next() % 40 == 0 ? Int64.max : watermark + Int64(random.next() % 200)
            let window = TimeWindow(start: time &- 10, end: time &+ 1)
            let processingTime = time == Int64.max ? Int64.max : clock.millis + time - watermark
            switch random.next() % 10 {
            case 0..<5:
                for s in [plain, spilling] { s.registerEventTimeTimer(key: key, namespace: window, time: time) }
            case 5:
                for s in [plain, spilling] { s.deleteEventTimeTimer(key: key, namespace: window, time: time) }
            case 6:
                for s in [plain, spilling] { s.registerProcessingTimeTimer(key: key, namespace: window, time: processingTime) }
            case 7:
                for s in [plain, spilling] { s.deleteProcessingTimeTimer(key: key, namespace: window, time: processingTime) }
            case 8:
                watermark += Int64(random.next() % 60)
                for (i, s) in [plain, spilling].enumerated() {
                    batches[i].append([])
                    try s.advanceWatermark(watermark)
                }
            default:
                clock.advance(by: Int64(random.next() % 60))
                try plainTime.fireDue(now: clock.millis)
                try spillTime.fireDue(now: clock.millis)
            }
            if step % 100 == 0, try !stored.all().isEmpty { timersWereInRocksDB = true }
            if step % 500 == 0 {
                XCTAssertEqual(
                    Set(try spilling.allTimers().map { "\($0.domain) \($0.timer)" }),
                    Set(try plain.allTimers().map { "\($0.domain) \($0.timer)" }), "pending timers at step \(step)")
            }
        }
        XCTAssertTrue(timersWereInRocksDB, "the test must move timers to RocksDB")
        for (i, s) in [plain, spilling].enumerated() {
            batches[i].append([])
            try s.advanceWatermark(Int64.max)
            try s.fireAllProcessingTimers()
        }
        XCTAssertGreaterThan(fired[0].count, 1000)
        XCTAssertTrue(fired[0].contains { $0.hasPrefix("e \(Int64.max) ") }, "timers at the end of time fire at the final watermark")
        XCTAssertTrue(fired[0].contains { $0.hasPrefix("p \(Int64.max) ") }, "and at the end of input")
        // Equal timestamps may fire in another order: compare each watermark's firings as sets.
        XCTAssertEqual(batches[1].map { Set($0.map { "\($0)" }) }, batches[0].map { Set($0.map { "\($0)" }) })
        XCTAssertEqual(fired[1].sorted(), fired[0].sorted())
        for batch in batches[1] {
            XCTAssertEqual(batch.map(\.timestamp), batch.map(\.timestamp).sorted(), "spilled timers fire in time order")
        }
        XCTAssertEqual(try spilling.allTimers().count, 0)
    }
}
