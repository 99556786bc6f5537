// Tests for TimeWindow: bounds, intersection, cover, window start maths and merging.

import Foundation
import XCTest
@testable import RivuletCore

final class TimeWindowTests: XCTestCase {
    func testMaxTimestampIsEndMinusOne() {
        XCTAssertEqual(TimeWindow(start: 0, end: 10).maxTimestamp, 9)
        XCTAssertEqual(TimeWindow(start: -10, end: 0).maxTimestamp, -1)
    }

    func testIntersectsIncludesAdjacentWindows() {
        let a = TimeWindow(start: 0, end: 5)
        XCTAssertTrue(a.intersects(TimeWindow(start: 3, end: 8)))
        XCTAssertTrue(a.intersects(TimeWindow(start: 5, end: 8)))
        XCTAssertTrue(TimeWindow(start: 5, end: 8).intersects(a))
        XCTAssertFalse(a.intersects(TimeWindow(start: 6, end: 8)))
        XCTAssertFalse(TimeWindow(start: 6, end: 8).intersects(a))
    }

    func testCover() {
        XCTAssertEqual(TimeWindow(start: 0, end: 5).cover(TimeWindow(start: 3, end: 12)), TimeWindow(start: 0, end: 12))
        XCTAssertEqual(TimeWindow(start: 4, end: 6).cover(TimeWindow(start: 0, end: 12)), TimeWindow(start: 0, end: 12))
    }

    func testWindowStartPositiveAndNegative() {
        XCTAssertEqual(TimeWindow.windowStart(timestamp: 0, offset: 0, windowSize: 5), 0)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: 4, offset: 0, windowSize: 5), 0)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: 5, offset: 0, windowSize: 5), 5)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: 7, offset: 2, windowSize: 5), 7)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: 6, offset: 2, windowSize: 5), 2)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: 1, offset: 2, windowSize: 5), -3)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: -1, offset: 0, windowSize: 5), -5)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: -5, offset: 0, windowSize: 5), -5)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: -6, offset: 0, windowSize: 5), -10)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: -13, offset: 0, windowSize: 5), -15)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: -13, offset: -1, windowSize: 5), -16)
        XCTAssertEqual(TimeWindow.windowStart(timestamp: -13, offset: 3, windowSize: 5), -17)
    }

    func testOrderingByStartThenEnd() {
        let windows = [TimeWindow(start: 5, end: 9), TimeWindow(start: 0, end: 10), TimeWindow(start: 0, end: 3)]
        XCTAssertEqual(windows.sorted(), [TimeWindow(start: 0, end: 3), TimeWindow(start: 0, end: 10), TimeWindow(start: 5, end: 9)])
    }

    func testDescriptionMatchesFlink() {
        XCTAssertEqual(TimeWindow(start: 0, end: 10).description, "TimeWindow{start=0, end=10}")
    }

    func testCodableRoundTrip() throws {
        let window = TimeWindow(start: -3, end: 42)
        let decoded = try JSONDecoder().decode(TimeWindow.self, from: JSONEncoder().encode(window))
        XCTAssertEqual(decoded, window)
    }

    func testMergeWindowsReturnsOnlyRealMerges() {
        let windows = [
            TimeWindow(start: 10, end: 15), TimeWindow(start: 0, end: 4), TimeWindow(start: 3, end: 6),
            TimeWindow(start: 20, end: 25), TimeWindow(start: 14, end: 18), TimeWindow(start: 30, end: 31),
        ]
        let merged = TimeWindow.mergeWindows(windows)
        XCTAssertEqual(merged.count, 2)
        XCTAssertEqual(merged[0].merged, TimeWindow(start: 0, end: 6))
        XCTAssertEqual(merged[0].from, [TimeWindow(start: 0, end: 4), TimeWindow(start: 3, end: 6)])
        XCTAssertEqual(merged[1].merged, TimeWindow(start: 10, end: 18))
        XCTAssertEqual(merged[1].from, [TimeWindow(start: 10, end: 15), TimeWindow(start: 14, end: 18)])
    }

    func testMergeWindowsChainsThroughCover() {
        // [0,3) and [5,8) do not touch, but [2,6) bridges them.
        let merged = TimeWindow.mergeWindows([TimeWindow(start: 5, end: 8), TimeWindow(start: 0, end: 3), TimeWindow(start: 2, end: 6)])
        XCTAssertEqual(merged.count, 1)
        XCTAssertEqual(merged.first?.merged, TimeWindow(start: 0, end: 8))
        XCTAssertEqual(merged.first?.from.count, 3)
    }

    func testMergeWindowsIgnoresExactDuplicates() {
        let w = TimeWindow(start: 0, end: 5)
        XCTAssertTrue(TimeWindow.mergeWindows([w, w]).isEmpty)
        XCTAssertTrue(TimeWindow.mergeWindows([]).isEmpty)
    }

    func testGlobalWindow() {
        XCTAssertEqual(GlobalWindow().maxTimestamp, Int64.max)
        XCTAssertEqual(GlobalWindow(), GlobalWindow.shared)
    }

    func testDurationMilliseconds() {
        XCTAssertEqual(Duration.seconds(5).milliseconds, 5_000)
        XCTAssertEqual(Duration.milliseconds(-1_500).milliseconds, -1_500)
        XCTAssertEqual(Duration.microseconds(1_999).milliseconds, 1)
        XCTAssertEqual(Duration.zero.milliseconds, 0)
        XCTAssertEqual(Duration.seconds(Int64.max).milliseconds, Int64.max)
    }
}

extension TimeWindowTests {
    /// Windows are state namespaces, encoded in every state key: two 8-byte integers, not the
    /// derived Codable path (which would store the field names).
    func testTimeWindowsEncodeInSixteenBytes() throws {
        let window = TimeWindow(start: -1_000, end: 4_000)
        var writer = BinaryWriter()
        window.encode(to: &writer)
        XCTAssertEqual(writer.bytes.count, 16)
        var reader = BinaryReader(writer.bytes)
        XCTAssertEqual(try TimeWindow(from: &reader), window)
        var global = BinaryWriter()
        GlobalWindow().encode(to: &global)
        XCTAssertEqual(global.bytes.count, 0)
    }
}
