// Tests for MergingWindowSet: adding, merging, stable state windows, retiring and restoring.

import XCTest
@testable import RivuletCore

final class MergingWindowSetTests: XCTestCase {
    private struct Merge: Equatable {
        let result: TimeWindow
        let merged: [TimeWindow]
        let stateWindow: TimeWindow
        let mergedStateWindows: [TimeWindow]
    }

    private var assigner: EventTimeSessionWindows { get throws { try EventTimeSessionWindows.withGap(.milliseconds(3)) } }

    private func add(_ set: inout MergingWindowSet<TimeWindow>, _ window: TimeWindow, _ merges: inout [Merge]) throws -> TimeWindow {
        try set.addWindow(window, assigner: assigner) { result, merged, stateWindow, mergedStateWindows in
            merges.append(Merge(result: result, merged: merged.sorted(), stateWindow: stateWindow, mergedStateWindows: mergedStateWindows.sorted()))
        }
    }

    func testAddNonOverlappingWindows() throws {
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        XCTAssertEqual(try add(&set, TimeWindow(start: 0, end: 3), &merges), TimeWindow(start: 0, end: 3))
        XCTAssertEqual(try add(&set, TimeWindow(start: 10, end: 13), &merges), TimeWindow(start: 10, end: 13))
        XCTAssertTrue(merges.isEmpty)
        XCTAssertEqual(set.getStateWindow(TimeWindow(start: 0, end: 3)), TimeWindow(start: 0, end: 3))
        XCTAssertEqual(set.getStateWindow(TimeWindow(start: 10, end: 13)), TimeWindow(start: 10, end: 13))
        XCTAssertEqual(set.mapping.count, 2)
    }

    func testAddingOverlappingWindowMergesAndKeepsExistingStateWindow() throws {
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        _ = try add(&set, TimeWindow(start: 0, end: 3), &merges)
        let result = try add(&set, TimeWindow(start: 2, end: 5), &merges)
        XCTAssertEqual(result, TimeWindow(start: 0, end: 5))
        XCTAssertEqual(
            merges,
            [
                Merge(
                    result: TimeWindow(start: 0, end: 5), merged: [TimeWindow(start: 0, end: 3)],
                    stateWindow: TimeWindow(start: 0, end: 3), mergedStateWindows: [])
            ])
        XCTAssertEqual(set.mapping, [TimeWindow(start: 0, end: 5): TimeWindow(start: 0, end: 3)])
    }

    func testBridgingWindowMergesTwo() throws {
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        _ = try add(&set, TimeWindow(start: 0, end: 3), &merges)
        _ = try add(&set, TimeWindow(start: 6, end: 9), &merges)
        XCTAssertTrue(merges.isEmpty)

        let result = try add(&set, TimeWindow(start: 3, end: 6), &merges)
        XCTAssertEqual(result, TimeWindow(start: 0, end: 9))
        XCTAssertEqual(merges.count, 1)
        let merge = try XCTUnwrap(merges.first)
        XCTAssertEqual(merge.result, TimeWindow(start: 0, end: 9))
        XCTAssertEqual(merge.merged, [TimeWindow(start: 0, end: 3), TimeWindow(start: 6, end: 9)])
        // The result keeps one of the existing state windows; the other one is merged into it.
        XCTAssertTrue([TimeWindow(start: 0, end: 3), TimeWindow(start: 6, end: 9)].contains(merge.stateWindow))
        XCTAssertEqual(merge.mergedStateWindows.count, 1)
        XCTAssertNotEqual(merge.mergedStateWindows.first, merge.stateWindow)
        XCTAssertEqual(set.mapping, [TimeWindow(start: 0, end: 9): merge.stateWindow])
    }

    func testStateWindowStaysStableAcrossMerges() throws {
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        _ = try add(&set, TimeWindow(start: 10, end: 13), &merges)
        _ = try add(&set, TimeWindow(start: 12, end: 15), &merges)
        _ = try add(&set, TimeWindow(start: 14, end: 17), &merges)
        _ = try add(&set, TimeWindow(start: 7, end: 10), &merges)
        XCTAssertEqual(set.mapping, [TimeWindow(start: 7, end: 17): TimeWindow(start: 10, end: 13)])
        XCTAssertEqual(merges.map(\.stateWindow), Array(repeating: TimeWindow(start: 10, end: 13), count: 3))
        XCTAssertEqual(merges.last?.merged, [TimeWindow(start: 10, end: 17)])
    }

    func testWindowInsideExistingWindowReturnsItWithoutMerging() throws {
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        _ = try add(&set, TimeWindow(start: 0, end: 3), &merges)
        _ = try add(&set, TimeWindow(start: 2, end: 5), &merges)
        merges.removeAll()
        XCTAssertEqual(try add(&set, TimeWindow(start: 1, end: 4), &merges), TimeWindow(start: 0, end: 5))
        XCTAssertTrue(merges.isEmpty)
        XCTAssertEqual(set.mapping, [TimeWindow(start: 0, end: 5): TimeWindow(start: 0, end: 3)])

        // Adding an in-flight window again changes nothing.
        XCTAssertEqual(try add(&set, TimeWindow(start: 0, end: 5), &merges), TimeWindow(start: 0, end: 5))
        XCTAssertTrue(merges.isEmpty)
        XCTAssertEqual(set.mapping, [TimeWindow(start: 0, end: 5): TimeWindow(start: 0, end: 3)])
    }

    func testRetireWindow() throws {
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        _ = try add(&set, TimeWindow(start: 0, end: 3), &merges)
        _ = try add(&set, TimeWindow(start: 2, end: 5), &merges)
        XCTAssertEqual(set.retireWindow(TimeWindow(start: 0, end: 5)), TimeWindow(start: 0, end: 3))
        XCTAssertNil(set.getStateWindow(TimeWindow(start: 0, end: 5)))
        XCTAssertTrue(set.mapping.isEmpty)
        XCTAssertNil(set.retireWindow(TimeWindow(start: 0, end: 5)))
        // After retiring, a new window starts afresh as its own state window.
        XCTAssertEqual(try add(&set, TimeWindow(start: 1, end: 4), &merges), TimeWindow(start: 1, end: 4))
        XCTAssertEqual(set.getStateWindow(TimeWindow(start: 1, end: 4)), TimeWindow(start: 1, end: 4))
    }

    func testRestoreFromPersistedMapping() throws {
        let persisted = [TimeWindow(start: 0, end: 9): TimeWindow(start: 3, end: 6)]
        var set = MergingWindowSet(mapping: persisted)
        XCTAssertEqual(set.getStateWindow(TimeWindow(start: 0, end: 9)), TimeWindow(start: 3, end: 6))
        var merges: [Merge] = []
        XCTAssertEqual(try add(&set, TimeWindow(start: 8, end: 11), &merges), TimeWindow(start: 0, end: 11))
        XCTAssertEqual(set.mapping, [TimeWindow(start: 0, end: 11): TimeWindow(start: 3, end: 6)])
    }

    func testMergeFunctionErrorsPropagate() throws {
        struct Boom: Error {}
        var set = MergingWindowSet<TimeWindow>()
        var merges: [Merge] = []
        _ = try add(&set, TimeWindow(start: 0, end: 3), &merges)
        XCTAssertThrowsError(try set.addWindow(TimeWindow(start: 1, end: 4), assigner: assigner) { _, _, _, _ in throw Boom() })
    }
}
