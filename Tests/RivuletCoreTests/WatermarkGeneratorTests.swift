// Tests of the watermark generators and WatermarkOutput: bounded out-of-orderness, monotonous, idleness.

import Synchronization
import XCTest
@testable import RivuletCore

/// A settable millisecond clock for idleness tests.
private final class FakeClock: Sendable {
    let now = Mutex<Int64>(0)

    func set(_ value: Int64) { now.withLock { $0 = value } }

    var read: @Sendable () -> Int64 { { [self] in self.now.withLock { $0 } } }
}

final class WatermarkGeneratorTests: XCTestCase {
    func testBoundedOutOfOrdernessBeforeAnyEventProposesMinValueWhichIsNotEmitted() {
        var generator = BoundedOutOfOrdernessWatermarks(maxOutOfOrderness: .milliseconds(10))
        XCTAssertEqual(generator.outOfOrdernessMillis, 10)
        XCTAssertEqual(generator.maxTimestamp, Int64.min + 11)
        XCTAssertEqual(generator.currentWatermark, Int64.min)
        var output = WatermarkOutput()
        generator.onPeriodicEmit(output: &output)
        XCTAssertNil(output.watermark, "Int64.min does not advance an output")
        XCTAssertFalse(output.hasPending)
    }

    func testBoundedOutOfOrdernessEmitsMaxTimestampMinusDelayMinusOne() {
        var generator = BoundedOutOfOrdernessWatermarks(maxOutOfOrderness: .milliseconds(10))
        var output = WatermarkOutput()
        generator.onEvent(timestamp: 1337, output: &output)
        XCTAssertNil(output.take().watermark, "a periodic generator emits nothing on events")
        generator.onPeriodicEmit(output: &output)
        XCTAssertEqual(output.take().watermark, 1326)

        generator.onEvent(timestamp: 17, output: &output)
        generator.onPeriodicEmit(output: &output)
        XCTAssertEqual(generator.maxTimestamp, 1337)
        XCTAssertNil(output.take().watermark, "an older event does not move the watermark")
        XCTAssertEqual(output.watermark, 1326)

        generator.onEvent(timestamp: 2000, output: &output)
        generator.onEvent(timestamp: 1990, output: &output)
        generator.onPeriodicEmit(output: &output)
        XCTAssertEqual(output.take().watermark, 1989)
    }

    func testBoundedOutOfOrdernessConvertsDurationsToMilliseconds() {
        var generator = BoundedOutOfOrdernessWatermarks(maxOutOfOrderness: .seconds(2))
        XCTAssertEqual(generator.outOfOrdernessMillis, 2000)
        var output = WatermarkOutput()
        generator.onEvent(timestamp: 10_000, output: &output)
        generator.onPeriodicEmit(output: &output)
        XCTAssertEqual(output.watermark, 7999)
    }

    func testMonotonousEmitsMaxTimestampMinusOne() {
        var generator = MonotonousTimestampsWatermarks()
        var output = WatermarkOutput()
        XCTAssertEqual(generator.maxTimestamp, Int64.min + 1)
        generator.onPeriodicEmit(output: &output)
        XCTAssertNil(output.watermark)
        generator.onEvent(timestamp: 5, output: &output)
        generator.onEvent(timestamp: 10, output: &output)
        generator.onPeriodicEmit(output: &output)
        XCTAssertEqual(output.take().watermark, 9)
        generator.onEvent(timestamp: 7, output: &output)
        generator.onPeriodicEmit(output: &output)
        XCTAssertNil(output.take().watermark)
        XCTAssertEqual(output.watermark, 9)
    }

    func testWatermarkOutputKeepsMaximumAndReportsChanges() {
        var output = WatermarkOutput()
        output.emitWatermark(5)
        output.emitWatermark(3)
        XCTAssertEqual(output.watermark, 5)
        XCTAssertEqual(output.pendingWatermark, 5)
        var taken = output.take()
        XCTAssertEqual(taken.watermark, 5)
        XCTAssertNil(taken.status)
        output.markIdle()
        output.markIdle()
        XCTAssertEqual(output.pendingStatus, .idle)
        taken = output.take()
        XCTAssertNil(taken.watermark)
        XCTAssertEqual(taken.status, .idle)
        output.emitWatermark(4)
        XCTAssertTrue(output.idle, "a non-advancing watermark leaves the output idle")
        output.emitWatermark(6)
        XCTAssertFalse(output.idle, "an advancing watermark makes the output active")
        taken = output.take()
        XCTAssertEqual(taken.watermark, 6)
        XCTAssertEqual(taken.status, .active)
        output.markIdle()
        output.markActive()
        XCTAssertFalse(output.hasPending, "idle then active between two takes is no net change")
    }

    func testIdlenessMarksIdleAfterTimeoutWithoutEventsAndRecoversOnEvents() {
        let clock = FakeClock()
        var generator = WatermarksWithIdleness(
            wrapping: MonotonousTimestampsWatermarks(),
            idleTimeout: .milliseconds(10), clock: clock.read)
        XCTAssertEqual(generator.idleTimeoutMillis, 10)
        var output = WatermarkOutput()

        generator.onEvent(timestamp: 100, output: &output)
        generator.onPeriodicEmit(output: &output)
        var taken = output.take()
        XCTAssertEqual(taken.watermark, 99)
        XCTAssertNil(taken.status)

        clock.set(5)  // first probe without activity starts the inactivity interval
        generator.onPeriodicEmit(output: &output)
        XCTAssertFalse(output.idle)
        clock.set(15)  // exactly the timeout: not yet idle
        generator.onPeriodicEmit(output: &output)
        XCTAssertFalse(output.idle)
        clock.set(16)
        generator.onPeriodicEmit(output: &output)
        XCTAssertTrue(output.idle)
        taken = output.take()
        XCTAssertNil(taken.watermark)
        XCTAssertEqual(taken.status, .idle)

        clock.set(30)
        generator.onPeriodicEmit(output: &output)
        XCTAssertFalse(output.hasPending, "already idle: nothing new")

        generator.onEvent(timestamp: 200, output: &output)
        XCTAssertFalse(output.hasPending, "the event alone changes no status")
        generator.onPeriodicEmit(output: &output)
        taken = output.take()
        XCTAssertEqual(taken.watermark, 199)
        XCTAssertEqual(taken.status, .active)
        XCTAssertFalse(output.idle)
    }

    func testIdlenessActivityResetsTheTimer() {
        let clock = FakeClock()
        var generator = WatermarksWithIdleness(
            wrapping: BoundedOutOfOrdernessWatermarks(outOfOrdernessMillis: 0),
            idleTimeout: .milliseconds(10), clock: clock.read)
        var output = WatermarkOutput()
        generator.onPeriodicEmit(output: &output)  // t=0: starts the inactivity interval
        clock.set(8)
        generator.onEvent(timestamp: 1, output: &output)
        clock.set(11)
        generator.onPeriodicEmit(output: &output)  // activity seen: reset
        clock.set(20)
        generator.onPeriodicEmit(output: &output)  // starts again at 20
        clock.set(30)
        generator.onPeriodicEmit(output: &output)
        XCTAssertFalse(output.idle)
        clock.set(31)
        generator.onPeriodicEmit(output: &output)
        XCTAssertTrue(output.idle)
    }
}
