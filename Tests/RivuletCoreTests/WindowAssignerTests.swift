// Tests for the window assigners: tumbling, sliding, session, processing-time and global, and argument checks.

import XCTest
@testable import RivuletCore

final class WindowAssignerTests: XCTestCase {
    private func windows<A: WindowAssigner>(_ assigner: A, _ timestamp: Int64, now: Int64 = 0) -> [A.W] {
        var result: [A.W] = []
        assigner.assignWindows(timestamp: timestamp, currentProcessingTime: now) { result.append($0) }
        return result
    }

    func testTumblingEventTime() throws {
        let assigner = try TumblingEventTimeWindows.of(size: .milliseconds(5_000))
        XCTAssertEqual(windows(assigner, 0), [TimeWindow(start: 0, end: 5_000)])
        XCTAssertEqual(windows(assigner, 4_999), [TimeWindow(start: 0, end: 5_000)])
        XCTAssertEqual(windows(assigner, 5_000), [TimeWindow(start: 5_000, end: 10_000)])
        XCTAssertTrue(assigner.isEventTime)
        var context = RecordingTriggerContext(currentWatermark: 0)
        XCTAssertEqual(assigner.defaultTrigger.onElement(timestamp: 1, window: TimeWindow(start: 0, end: 5_000), context: &context), .continue)
        XCTAssertEqual(context.eventTimeTimers, [4_999])
    }

    func testTumblingEventTimeNegativeTimestamps() throws {
        let assigner = try TumblingEventTimeWindows.of(size: .milliseconds(5_000))
        XCTAssertEqual(windows(assigner, -1), [TimeWindow(start: -5_000, end: 0)])
        XCTAssertEqual(windows(assigner, -5_000), [TimeWindow(start: -5_000, end: 0)])
        XCTAssertEqual(windows(assigner, -5_001), [TimeWindow(start: -10_000, end: -5_000)])
        XCTAssertEqual(windows(assigner, -12_345), [TimeWindow(start: -15_000, end: -10_000)])
    }

    func testTumblingEventTimeWithOffsets() throws {
        let positive = try TumblingEventTimeWindows.of(size: .milliseconds(5_000), offset: .milliseconds(100))
        XCTAssertEqual(windows(positive, 100), [TimeWindow(start: 100, end: 5_100)])
        XCTAssertEqual(windows(positive, 99), [TimeWindow(start: -4_900, end: 100)])
        XCTAssertEqual(windows(positive, 5_099), [TimeWindow(start: 100, end: 5_100)])
        XCTAssertEqual(windows(positive, 5_100), [TimeWindow(start: 5_100, end: 10_100)])

        let negative = try TumblingEventTimeWindows.of(size: .milliseconds(5_000), offset: .milliseconds(-100))
        XCTAssertEqual(windows(negative, 0), [TimeWindow(start: -100, end: 4_900)])
        XCTAssertEqual(windows(negative, 4_900), [TimeWindow(start: 4_900, end: 9_900)])
        XCTAssertEqual(windows(negative, -101), [TimeWindow(start: -5_100, end: -100)])
    }

    func testTumblingSkipsElementsWithoutTimestamp() throws {
        let assigner = try TumblingEventTimeWindows.of(size: .seconds(1))
        XCTAssertEqual(windows(assigner, Int64.min), [])
    }

    func testSlidingEventTimeExactWindows() throws {
        let assigner = try SlidingEventTimeWindows.of(size: .milliseconds(5_000), slide: .milliseconds(1_000))
        let assigned = windows(assigner, 3_500)
        XCTAssertEqual(assigned.count, 5)
        XCTAssertEqual(
            assigned,
            [
                TimeWindow(start: 3_000, end: 8_000), TimeWindow(start: 2_000, end: 7_000), TimeWindow(start: 1_000, end: 6_000),
                TimeWindow(start: 0, end: 5_000), TimeWindow(start: -1_000, end: 4_000),
            ])
        for window in assigned { XCTAssertTrue(window.start <= 3_500 && 3_500 < window.end) }
        XCTAssertTrue(assigner.isEventTime)
    }

    func testSlidingEventTimeCountIsSizeOverSlide() throws {
        let assigner = try SlidingEventTimeWindows.of(size: .milliseconds(6_000), slide: .milliseconds(2_000), offset: .milliseconds(500))
        for timestamp: Int64 in [-7_777, -1, 0, 499, 500, 12_345] {
            let assigned = windows(assigner, timestamp)
            XCTAssertEqual(assigned.count, 3, "timestamp \(timestamp)")
            for window in assigned {
                XCTAssertTrue(window.start <= timestamp && timestamp < window.end, "timestamp \(timestamp) in \(window)")
                XCTAssertEqual(window.end - window.start, 6_000)
                XCTAssertEqual(((window.start - 500) % 2_000 + 2_000) % 2_000, 0)
            }
        }
        XCTAssertEqual(windows(assigner, 500).first, TimeWindow(start: 500, end: 6_500))
    }

    func testSlidingWithSlideLargerThanSizeLeavesGaps() throws {
        let assigner = try SlidingEventTimeWindows.of(size: .milliseconds(1_000), slide: .milliseconds(5_000))
        XCTAssertEqual(windows(assigner, 500), [TimeWindow(start: 0, end: 1_000)])
        XCTAssertEqual(windows(assigner, 1_500), [])
    }

    func testEventTimeSessionWindowsAssignAndMerge() throws {
        let assigner = try EventTimeSessionWindows.withGap(.milliseconds(3_000))
        XCTAssertEqual(windows(assigner, 1_000), [TimeWindow(start: 1_000, end: 4_000)])
        XCTAssertTrue(assigner.isEventTime)

        var merges: [([TimeWindow], TimeWindow)] = []
        assigner.mergeWindows([
            TimeWindow(start: 0, end: 3_000), TimeWindow(start: 2_000, end: 5_000), TimeWindow(start: 10_000, end: 13_000),
        ]) { merges.append(($0, $1)) }
        XCTAssertEqual(merges.count, 1)
        XCTAssertEqual(merges.first?.1, TimeWindow(start: 0, end: 5_000))
        XCTAssertEqual(merges.first?.0, [TimeWindow(start: 0, end: 3_000), TimeWindow(start: 2_000, end: 5_000)])
    }

    func testProcessingTimeAssignersUseProcessingTime() throws {
        let tumbling = try TumblingProcessingTimeWindows.of(size: .milliseconds(1_000))
        XCTAssertEqual(windows(tumbling, 99_999, now: 2_500), [TimeWindow(start: 2_000, end: 3_000)])
        XCTAssertFalse(tumbling.isEventTime)
        var context = RecordingTriggerContext(currentWatermark: 0)
        _ = tumbling.defaultTrigger.onElement(timestamp: 1, window: TimeWindow(start: 2_000, end: 3_000), context: &context)
        XCTAssertEqual(context.processingTimeTimers, [2_999])
        XCTAssertTrue(context.eventTimeTimers.isEmpty)

        let sliding = try SlidingProcessingTimeWindows.of(size: .milliseconds(2_000), slide: .milliseconds(1_000))
        XCTAssertEqual(windows(sliding, 99_999, now: 2_500), [TimeWindow(start: 2_000, end: 4_000), TimeWindow(start: 1_000, end: 3_000)])
        XCTAssertFalse(sliding.isEventTime)

        let session = try ProcessingTimeSessionWindows.withGap(.milliseconds(500))
        XCTAssertEqual(windows(session, 99_999, now: 2_500), [TimeWindow(start: 2_500, end: 3_000)])
        XCTAssertFalse(session.isEventTime)
    }

    func testGlobalWindows() {
        let assigner = GlobalWindows.create()
        XCTAssertEqual(windows(assigner, 42), [GlobalWindow()])
        XCTAssertFalse(assigner.isEventTime)
        var context = RecordingTriggerContext(currentWatermark: Int64.max)
        XCTAssertEqual(assigner.defaultTrigger.onElement(timestamp: 1, window: GlobalWindow(), context: &context), .continue)
        XCTAssertEqual(assigner.defaultTrigger.onEventTime(Int64.max, window: GlobalWindow(), context: &context), .continue)
    }

    func testInvalidArgumentsThrow() {
        XCTAssertThrowsError(try TumblingEventTimeWindows.of(size: .zero))
        XCTAssertThrowsError(try TumblingEventTimeWindows.of(size: .seconds(-1)))
        XCTAssertThrowsError(try TumblingEventTimeWindows.of(size: .seconds(5), offset: .seconds(5)))
        XCTAssertThrowsError(try TumblingEventTimeWindows.of(size: .seconds(5), offset: .seconds(-6)))
        XCTAssertThrowsError(try TumblingProcessingTimeWindows.of(size: .microseconds(10)))
        XCTAssertThrowsError(try TumblingEventTimeWindows(sizeMillis: 5, offsetMillis: Int64.min))
        XCTAssertThrowsError(try SlidingEventTimeWindows.of(size: .zero, slide: .seconds(1)))
        XCTAssertThrowsError(try SlidingEventTimeWindows.of(size: .seconds(5), slide: .zero))
        XCTAssertThrowsError(try SlidingProcessingTimeWindows.of(size: .seconds(5), slide: .seconds(1), offset: .seconds(1)))
        XCTAssertThrowsError(try EventTimeSessionWindows.withGap(.zero))
        XCTAssertThrowsError(try ProcessingTimeSessionWindows.withGap(.seconds(-3)))
        XCTAssertNoThrow(try TumblingEventTimeWindows.of(size: .seconds(5), offset: .milliseconds(-4_999)))
        XCTAssertNoThrow(try SlidingEventTimeWindows.of(size: .seconds(5), slide: .seconds(2), offset: .milliseconds(1_999)))
    }

    func testInvalidArgumentErrorNamesTheValue() {
        XCTAssertThrowsError(try TumblingEventTimeWindows.of(size: .seconds(5), offset: .seconds(7))) { error in
            guard let error = error as? WindowConfigurationError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(error.parameter, "offset")
            XCTAssertEqual(error.value, 7_000)
            XCTAssertEqual(error.description, "TumblingEventTimeWindows: invalid offset 7000 ms; must satisfy abs(offset) < size (5000 ms)")
        }
        XCTAssertThrowsError(try EventTimeSessionWindows.withGap(.zero)) { error in
            XCTAssertEqual((error as? WindowConfigurationError)?.parameter, "gap")
        }
    }
}
