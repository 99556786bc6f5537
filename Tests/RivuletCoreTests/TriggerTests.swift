// Tests for the triggers: event time, processing time, count, purging, continuous event time and never.

import XCTest
@testable import RivuletCore

/// A trigger context that records timers and keeps trigger state in a dictionary.
struct RecordingTriggerContext: TriggerContext {
    var currentWatermark: Int64 = Int64.min
    var currentProcessingTime: Int64 = 0
    var eventTimeTimers: Set<Int64> = []
    var processingTimeTimers: Set<Int64> = []
    var state: [String: Int64] = [:]

    mutating func registerEventTimeTimer(_ time: Int64) { eventTimeTimers.insert(time) }
    mutating func deleteEventTimeTimer(_ time: Int64) { eventTimeTimers.remove(time) }
    mutating func registerProcessingTimeTimer(_ time: Int64) { processingTimeTimers.insert(time) }
    mutating func deleteProcessingTimeTimer(_ time: Int64) { processingTimeTimers.remove(time) }
    func triggerState(_ name: String) -> Int64? { state[name] }
    mutating func setTriggerState(_ name: String, _ value: Int64?) { state[name] = value }
}

final class TriggerTests: XCTestCase {
    let window = TimeWindow(start: 0, end: 10_000)

    func testTriggerResultFlags() {
        XCTAssertFalse(TriggerResult.continue.isFire)
        XCTAssertFalse(TriggerResult.continue.isPurge)
        XCTAssertTrue(TriggerResult.fire.isFire)
        XCTAssertFalse(TriggerResult.fire.isPurge)
        XCTAssertFalse(TriggerResult.purge.isFire)
        XCTAssertTrue(TriggerResult.purge.isPurge)
        XCTAssertTrue(TriggerResult.fireAndPurge.isFire)
        XCTAssertTrue(TriggerResult.fireAndPurge.isPurge)
    }

    func testEventTimeTriggerRegistersTimerAtMaxTimestampAndFiresThere() {
        let trigger = EventTimeTrigger()
        var context = RecordingTriggerContext(currentWatermark: 500)
        XCTAssertEqual(trigger.onElement(timestamp: 1_000, window: window, context: &context), .continue)
        XCTAssertEqual(context.eventTimeTimers, [9_999])
        XCTAssertEqual(trigger.onEventTime(9_998, window: window, context: &context), .continue)
        XCTAssertEqual(trigger.onEventTime(9_999, window: window, context: &context), .fire)
        XCTAssertEqual(trigger.onProcessingTime(9_999, window: window, context: &context), .continue)
        trigger.clear(window: window, context: &context)
        XCTAssertTrue(context.eventTimeTimers.isEmpty)
        XCTAssertTrue(trigger.canMerge)
    }

    func testEventTimeTriggerFiresAtOnceWhenWatermarkPassed() {
        var context = RecordingTriggerContext(currentWatermark: 9_999)
        XCTAssertEqual(EventTimeTrigger().onElement(timestamp: 1_000, window: window, context: &context), .fire)
        XCTAssertTrue(context.eventTimeTimers.isEmpty)
    }

    func testEventTimeTriggerOnMergeRegistersOnlyFutureTimers() {
        var context = RecordingTriggerContext(currentWatermark: 5_000)
        EventTimeTrigger().onMerge(window: window, context: &context, mergedTriggerStates: [:])
        XCTAssertEqual(context.eventTimeTimers, [9_999])
        var late = RecordingTriggerContext(currentWatermark: 9_999)
        EventTimeTrigger().onMerge(window: window, context: &late, mergedTriggerStates: [:])
        XCTAssertTrue(late.eventTimeTimers.isEmpty)
    }

    func testProcessingTimeTrigger() {
        let trigger = ProcessingTimeTrigger()
        var context = RecordingTriggerContext(currentProcessingTime: 100)
        XCTAssertEqual(trigger.onElement(timestamp: 0, window: window, context: &context), .continue)
        XCTAssertEqual(context.processingTimeTimers, [9_999])
        XCTAssertTrue(context.eventTimeTimers.isEmpty)
        XCTAssertEqual(trigger.onEventTime(9_999, window: window, context: &context), .continue)
        XCTAssertEqual(trigger.onProcessingTime(9_999, window: window, context: &context), .fire)
        trigger.clear(window: window, context: &context)
        XCTAssertTrue(context.processingTimeTimers.isEmpty)
    }

    func testCountTriggerFiresAtNAndResets() {
        let trigger = CountTrigger<TimeWindow>.of(3)
        var context = RecordingTriggerContext()
        var results: [TriggerResult] = []
        for i in 0..<7 { results.append(trigger.onElement(timestamp: Int64(i), window: window, context: &context)) }
        XCTAssertEqual(results, [.continue, .continue, .fire, .continue, .continue, .fire, .continue])
        XCTAssertEqual(context.state["count"], 1)
        trigger.clear(window: window, context: &context)
        XCTAssertNil(context.state["count"])
    }

    func testCountTriggerMergeSumsCounts() {
        let trigger = CountTrigger<TimeWindow>.of(5)
        var context = RecordingTriggerContext()
        trigger.onMerge(window: window, context: &context, mergedTriggerStates: ["count": [2, 2]])
        XCTAssertEqual(context.state["count"], 4)
        XCTAssertEqual(trigger.onElement(timestamp: 1, window: window, context: &context), .fire)
        XCTAssertNil(context.state["count"])
    }

    func testPurgingTriggerTurnsFireIntoFireAndPurge() {
        let trigger = PurgingTrigger.of(CountTrigger<GlobalWindow>.of(2))
        var context = RecordingTriggerContext()
        XCTAssertEqual(trigger.onElement(timestamp: 0, window: GlobalWindow(), context: &context), .continue)
        XCTAssertEqual(trigger.onElement(timestamp: 0, window: GlobalWindow(), context: &context), .fireAndPurge)
        XCTAssertTrue(trigger.canMerge)

        let eventTime = PurgingTrigger(EventTimeTrigger())
        var timeContext = RecordingTriggerContext(currentWatermark: 0)
        XCTAssertEqual(eventTime.onElement(timestamp: 5, window: window, context: &timeContext), .continue)
        XCTAssertEqual(timeContext.eventTimeTimers, [9_999])
        XCTAssertEqual(eventTime.onEventTime(9_999, window: window, context: &timeContext), .fireAndPurge)
        eventTime.clear(window: window, context: &timeContext)
        XCTAssertTrue(timeContext.eventTimeTimers.isEmpty)
    }

    func testContinuousEventTimeTriggerFiresEveryInterval() throws {
        let trigger = try ContinuousEventTimeTrigger<TimeWindow>.of(.milliseconds(3_000))
        var context = RecordingTriggerContext(currentWatermark: 0)
        XCTAssertEqual(trigger.onElement(timestamp: 1_500, window: window, context: &context), .continue)
        // End-of-window timer plus the first interval timer at 0 + 3000.
        XCTAssertEqual(context.eventTimeTimers, [9_999, 3_000])
        XCTAssertEqual(context.state["fire-time"], 3_000)
        // A second element does not move the pending interval timer.
        XCTAssertEqual(trigger.onElement(timestamp: 4_500, window: window, context: &context), .continue)
        XCTAssertEqual(context.state["fire-time"], 3_000)

        XCTAssertEqual(trigger.onEventTime(2_000, window: window, context: &context), .continue)
        XCTAssertEqual(trigger.onEventTime(3_000, window: window, context: &context), .fire)
        XCTAssertEqual(context.state["fire-time"], 6_000)
        XCTAssertEqual(trigger.onEventTime(6_000, window: window, context: &context), .fire)
        XCTAssertEqual(trigger.onEventTime(9_000, window: window, context: &context), .fire)
        // The next interval timer is capped at the window's max timestamp.
        XCTAssertEqual(context.state["fire-time"], 9_999)
        XCTAssertEqual(trigger.onEventTime(9_999, window: window, context: &context), .fire)

        trigger.clear(window: window, context: &context)
        XCTAssertNil(context.state["fire-time"])
    }

    func testContinuousEventTimeTriggerFiresAtOnceWhenLateAndMergesToMinimum() throws {
        let trigger = try ContinuousEventTimeTrigger<TimeWindow>.of(.seconds(1))
        var late = RecordingTriggerContext(currentWatermark: 20_000)
        XCTAssertEqual(trigger.onElement(timestamp: 1, window: window, context: &late), .fire)
        XCTAssertTrue(late.eventTimeTimers.isEmpty)

        var merging = RecordingTriggerContext(currentWatermark: 0)
        trigger.onMerge(window: window, context: &merging, mergedTriggerStates: ["fire-time": [7_000, 4_000]])
        XCTAssertEqual(merging.state["fire-time"], 4_000)
        XCTAssertEqual(merging.eventTimeTimers, [4_000])
        XCTAssertThrowsError(try ContinuousEventTimeTrigger<TimeWindow>.of(.zero))
    }

    func testNeverTrigger() {
        let trigger = NeverTrigger()
        var context = RecordingTriggerContext()
        XCTAssertEqual(trigger.onElement(timestamp: 0, window: GlobalWindow(), context: &context), .continue)
        XCTAssertEqual(trigger.onEventTime(Int64.max, window: GlobalWindow(), context: &context), .continue)
        XCTAssertEqual(trigger.onProcessingTime(Int64.max, window: GlobalWindow(), context: &context), .continue)
        XCTAssertFalse(trigger.canMerge)
        XCTAssertTrue(context.eventTimeTimers.isEmpty && context.processingTimeTimers.isEmpty)
    }
}
