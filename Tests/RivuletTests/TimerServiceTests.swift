// The timer services: event-time timers fire in time order as the watermark passes them,
// processing-time timers fire through the task's ProcessingTimeService on a manual clock.

import XCTest
import Rivulet
import RivuletCore

final class TimerServiceTests: XCTestCase {
    final class ManualClock: @unchecked Sendable {
        // Test-only: used from the test's thread alone.
        var now: Int64 = 0
    }

    func testEventTimersFireInTimestampOrderUpToTheWatermark() throws {
        let service = InternalTimerService<String, VoidNamespace>(processingTimeService: ProcessingTimeService())
        var fired: [String] = []
        service.onEventTime = { fired.append("\($0.key)@\($0.timestamp)") }
        for (key, time) in [("b", 30), ("a", 10), ("c", 20), ("a", 10), ("a", 40)] {
            service.registerEventTimeTimer(key: key, namespace: VoidNamespace(), time: Int64(time))
        }
        service.deleteEventTimeTimer(key: "a", namespace: VoidNamespace(), time: 40)
        try service.advanceWatermark(20)
        XCTAssertEqual(fired, ["a@10", "c@20"])   // the duplicate a@10 fires once
        try service.advanceWatermark(Int64.max)
        XCTAssertEqual(fired, ["a@10", "c@20", "b@30"])   // a@40 was deleted
        XCTAssertEqual(service.currentWatermark, Int64.max)
    }

    func testProcessingTimersFireWhenTheClockPassesThem() throws {
        let clock = ManualClock()
        let pts = ProcessingTimeService(clock: { clock.now })
        let service = InternalTimerService<Int, VoidNamespace>(processingTimeService: pts)
        var fired: [Int64] = []
        service.onProcessingTime = { fired.append($0.timestamp) }
        service.registerProcessingTimeTimer(key: 1, namespace: VoidNamespace(), time: 50)
        service.registerProcessingTimeTimer(key: 2, namespace: VoidNamespace(), time: 20)
        XCTAssertEqual(pts.nextTime, 20)
        clock.now = 25
        try pts.fireDue(now: clock.now)
        XCTAssertEqual(fired, [20])
        XCTAssertEqual(pts.nextTime, 50)
        clock.now = 100
        try pts.fireDue(now: clock.now)
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
