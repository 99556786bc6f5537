// Golden tests of windowed jobs: hand-computed counts with out-of-order and late events.

import XCTest
import Rivulet
import RivuletCore
import RivuletExamples
import RivuletTesting

final class WindowJobTests: XCTestCase {
    /// (key, timestamp) in arrival order; watermark = max timestamp - 6 after each event.
    let events: [Event] = [
        ("a", 1), ("a", 3), ("b", 12), ("a", 8), ("a", 15), ("b", 18),
        ("a", 4),  // window [0,10) fired at watermark 9 (after a@15): late
        ("a", 21), ("b", 11), ("a", 30), ("b", 25),
        ("a", 9),  // late again
    ].map { Event(key: $0.0, timestamp: $0.1) }

    func runTumbling(lateness: Duration, parallelism: Int = 1) throws -> (windows: [String], late: [Event]) {
        let env = try environment(parallelism: parallelism)
        let lateTag = OutputTag<Event>("late")
        let windows = CollectedValues<String>()
        let late = CollectedValues<Event>()
        let counted = env.fromCollection(events)
            .assignTimestampsAndWatermarks(punctuated(delay: 5) { $0.timestamp })
            .setParallelism(1)  // watermarks follow the source, as in a real job
            .keyBy { $0.key }
            .window(try TumblingEventTimeWindows.of(size: .milliseconds(10)))
            .allowedLateness(lateness)
            .sideOutputLateData(lateTag)
            .aggregate(CountEvents(), LabelWindow())
        counted.collect(into: windows)
        counted.getSideOutput(lateTag).collect(into: late)
        try env.execute("tumbling")
        return (windows.values.sorted(), late.values)
    }

    func testTumblingWindowCountsWithOutOfOrderEventsAndLateSideOutput() throws {
        let result = try runTumbling(lateness: .zero)
        XCTAssertEqual(
            result.windows,
            [
                "a [0,10) 3", "a [10,20) 1", "a [20,30) 1", "a [30,40) 1",
                "b [10,20) 3", "b [20,30) 1",
            ])
        XCTAssertEqual(result.late.map(\.timestamp), [4, 9])
    }

    func testAllowedLatenessRefiresWindowForLateEventWithinLateness() throws {
        // With 5 ms lateness, window [0,10) of a lives until watermark 14: a@4 (watermark 12)
        // fires it again with 4 elements; a@9 arrives at watermark 24 and is late.
        let result = try runTumbling(lateness: .milliseconds(5))
        XCTAssertEqual(
            result.windows,
            [
                "a [0,10) 3", "a [0,10) 4", "a [10,20) 1", "a [20,30) 1", "a [30,40) 1",
                "b [10,20) 3", "b [20,30) 1",
            ])
        XCTAssertEqual(result.late.map(\.timestamp), [9])
    }

    func testTumblingWindowSameResultAtParallelismFour() throws {
        // The collection source runs at parallelism 1; windows run on 4 subtasks.
        XCTAssertEqual(try runTumbling(lateness: .zero, parallelism: 4).windows, try runTumbling(lateness: .zero).windows)
    }

    func testSlidingWindowsAssignEachEventToSizeOverSlideWindows() throws {
        let env = try environment()
        let out = CollectedValues<String>()
        env.fromCollection([1, 5, 12].map { Event(key: "k", timestamp: $0) })
            .assignTimestampsAndWatermarks(punctuated(delay: 100) { $0.timestamp })
            .keyBy { $0.key }
            .window(try SlidingEventTimeWindows.of(size: .milliseconds(10), slide: .milliseconds(5)))
            .aggregate(CountEvents(), LabelWindow())
            .collect(into: out)
        try env.execute("sliding")
        XCTAssertEqual(out.values.sorted(), ["k [-5,5) 1", "k [0,10) 2", "k [10,20) 1", "k [5,15) 2"])
    }

    func testSessionWindowsMergeEventsWithinGap() throws {
        let env = try environment()
        let out = CollectedValues<String>()
        // Gap 5: {1,3,7} merge into [1,12); 20 alone [20,25); 8 arrives late-ish but bridges nothing new.
        env.fromCollection([1, 7, 20, 3].map { Event(key: "s", timestamp: $0) })
            .assignTimestampsAndWatermarks(punctuated(delay: 100) { $0.timestamp })
            .keyBy { $0.key }
            .window(try EventTimeSessionWindows.withGap(.milliseconds(5)))
            .aggregate(CountEvents(), LabelWindow())
            .collect(into: out)
        try env.execute("sessions")
        XCTAssertEqual(out.values.sorted(), ["s [1,12) 3", "s [20,25) 1"])
    }

    func testCountWindowFiresEveryNElementsPerKey() throws {
        let env = try environment()
        let out = CollectedValues<Int>()
        env.fromCollection(Array(1...10))
            .keyBy { $0 % 2 }
            .countWindow(2)
            .reduce { $0 + $1 }
            .collect(into: out)
        try env.execute("count windows")
        // odd: 1+3, 5+7, (9 never completes); even: 2+4, 6+8, (10 never completes)
        XCTAssertEqual(out.values.sorted(), [4, 6, 12, 14])
    }

    func testSlidingCountWindowFiresEverySlideOverLastSizeElements() throws {
        let env = try environment(parallelism: 2)
        let out = CollectedValues<Int>()
        try env.fromCollection(Array(1...7))
            .keyBy { _ in "k" }
            .countWindow(3, slide: 2)
            .reduce { $0 + $1 }
            .collect(into: out)
        try env.execute("sliding count windows")
        // Fires after 2, 4 and 6 elements over the last (up to) 3: [1,2], [2,3,4], [4,5,6].
        XCTAssertEqual(out.values, [3, 9, 15])
        XCTAssertThrowsError(try env.fromSequence(1, 2).keyBy { $0 }.countWindow(0, slide: 1)) {
            XCTAssertTrue("\($0)".contains("size"), "\($0)")
        }
    }

    func testProcessingTimeWindowsFireAtEndOfBoundedInput() throws {
        let env = try environment()
        let out = CollectedValues<Int>()
        env.fromCollection(Array(repeating: 1, count: 1000))
            .keyBy { _ in "all" }
            .window(try TumblingProcessingTimeWindows.of(size: .seconds(3600)))
            .reduce { $0 + $1 }
            .collect(into: out)
        try env.execute("processing time")
        XCTAssertEqual(out.values.reduce(0, +), 1000)
    }

    func testWindowWordCountJobSameResultAtParallelismOneAndFour() throws {
        func run(_ p: Int) throws -> [String] {
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let env = try environment(parallelism: p)
            let job = ExampleJobs.windowWordCount
            try job.build(env, JobArguments(jobName: job.name, arguments: ["--records", "20000", "--output", dir], parameters: job.parameters))
            try env.execute(job.name)
            return try readPartFiles(dir).sorted()
        }
        let one = try run(1)
        XCTAssertGreaterThan(one.count, 100)
        XCTAssertEqual(one, try run(4))
        // 20000 lines of 5 words: every word counted once in some window.
        let total = one.compactMap { Int($0.split(separator: "\t").last ?? "") }.reduce(0, +)
        XCTAssertEqual(total, 100_000)
    }

    func testEventTimeWindowWithoutTimestampsFailsWithClearError() throws {
        let env = try environment()
        env.fromCollection([1, 2, 3])
            .keyBy { $0 }
            .window(try TumblingEventTimeWindows.of(size: .seconds(1)))
            .reduce { $0 + $1 }
            .discard()
        XCTAssertThrowsError(try env.execute("no timestamps")) { error in
            XCTAssertTrue("\(error)".contains("assignTimestampsAndWatermarks"), "\(error)")
            XCTAssertTrue("\(error)".contains("Window Reduce"), "\(error)")
        }
    }
}
