// Tests of StatusWatermarkValve: minimum over channels, idleness, re-alignment and finished channels.

import XCTest
@testable import RivuletCore

final class StatusWatermarkValveTests: XCTestCase {
    func testOutputIsMinimumOverChannels() {
        var valve = StatusWatermarkValve(channelCount: 3)
        XCTAssertNil(valve.inputWatermark(5, channel: 0))
        XCTAssertNil(valve.inputWatermark(3, channel: 1))
        XCTAssertEqual(valve.inputWatermark(4, channel: 2), .watermark(3))
        XCTAssertEqual(valve.inputWatermark(10, channel: 1), .watermark(4))
        XCTAssertEqual(valve.inputWatermark(8, channel: 2), .watermark(5))
        XCTAssertEqual(valve.currentWatermark, 5)
    }

    func testEmitsOnlyWhenTheMinimumIncreases() {
        var valve = StatusWatermarkValve(channelCount: 2)
        XCTAssertNil(valve.inputWatermark(5, channel: 0))
        XCTAssertEqual(valve.inputWatermark(5, channel: 1), .watermark(5))
        XCTAssertNil(valve.inputWatermark(5, channel: 0), "equal watermark must not be re-emitted")
        XCTAssertNil(valve.inputWatermark(4, channel: 0), "a channel's watermark never goes back")
        XCTAssertEqual(valve.watermark(ofChannel: 0), 5)
        XCTAssertNil(valve.inputWatermark(9, channel: 1), "channel 0 still holds the minimum at 5")
        XCTAssertEqual(valve.inputWatermark(7, channel: 0), .watermark(7))
        XCTAssertEqual(valve.currentWatermark, 7)
    }

    func testIdleChannelIsExcludedAndItsWatermarksIgnored() {
        var valve = StatusWatermarkValve(channelCount: 2)
        XCTAssertNil(valve.inputWatermark(5, channel: 0))
        XCTAssertEqual(valve.inputWatermark(2, channel: 1), .watermark(2))
        // the channel holding the minimum goes idle: the other one alone decides
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 1), [.watermark(5)])
        XCTAssertFalse(valve.isIdle)
        XCTAssertEqual(valve.status(ofChannel: 1), .idle)
        XCTAssertNil(valve.inputWatermark(100, channel: 1), "watermarks of an idle channel are ignored")
        XCTAssertEqual(valve.watermark(ofChannel: 1), 2)
        XCTAssertEqual(valve.inputWatermark(6, channel: 0), .watermark(6))
        // repeated statuses change nothing
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 1), [])
        XCTAssertEqual(valve.inputWatermarkStatus(.active, channel: 0), [])
    }

    func testAllChannelsIdleFlushesMaximumThenReportsIdle() {
        var valve = StatusWatermarkValve(channelCount: 2)
        XCTAssertNil(valve.inputWatermark(10, channel: 0))
        XCTAssertEqual(valve.inputWatermark(5, channel: 1), .watermark(5))
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 0), [], "channel 0 did not hold the minimum")
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 1), [.watermark(10), .status(.idle)])
        XCTAssertTrue(valve.isIdle)
        XCTAssertEqual(valve.currentWatermark, 10)
        XCTAssertNil(valve.inputWatermark(20, channel: 0))
    }

    func testReactivatedChannelBehindOutputIsUnalignedUntilItCatchesUp() {
        var valve = StatusWatermarkValve(channelCount: 2)
        XCTAssertNil(valve.inputWatermark(10, channel: 0))
        XCTAssertEqual(valve.inputWatermark(5, channel: 1), .watermark(5))
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 0), [])
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 1), [.watermark(10), .status(.idle)])

        XCTAssertEqual(valve.inputWatermarkStatus(.active, channel: 1), [.status(.active)])
        XCTAssertFalse(valve.isIdle)
        XCTAssertNil(valve.inputWatermark(7, channel: 1), "7 is behind the output 10: still unaligned")
        XCTAssertEqual(valve.currentWatermark, 10)
        XCTAssertEqual(valve.inputWatermark(12, channel: 1), .watermark(12))

        // channel 0 comes back at 10 < 12: unaligned, so it does not pull the minimum down
        XCTAssertEqual(valve.inputWatermarkStatus(.active, channel: 0), [])
        XCTAssertEqual(valve.inputWatermark(14, channel: 1), .watermark(14))
        XCTAssertNil(valve.inputWatermark(13, channel: 0))
        XCTAssertEqual(valve.inputWatermark(15, channel: 0), nil, "aligned again at 15, minimum is 14")
        XCTAssertEqual(valve.inputWatermark(20, channel: 1), .watermark(15))
    }

    func testReactivatedChannelAtOrAboveOutputIsAlignedAtOnce() {
        var valve = StatusWatermarkValve(channelCount: 2)
        XCTAssertNil(valve.inputWatermark(8, channel: 1))
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 1), [])
        XCTAssertEqual(valve.inputWatermark(3, channel: 0), .watermark(3))
        XCTAssertEqual(valve.inputWatermarkStatus(.active, channel: 1), [])
        // channel 1 (at 8) counts again, so channel 0 advancing to 9 only lifts the output to 8
        XCTAssertEqual(valve.inputWatermark(9, channel: 0), .watermark(8))
    }

    func testFinishedChannelsStopHoldingBackAndAllFinishedEmitsMaxOnce() {
        var valve = StatusWatermarkValve(channelCount: 3)
        XCTAssertNil(valve.inputWatermark(5, channel: 0))
        XCTAssertNil(valve.inputWatermark(3, channel: 1))
        XCTAssertEqual(valve.inputWatermark(4, channel: 2), .watermark(3))
        XCTAssertEqual(valve.channelFinished(1), [.watermark(4)])
        XCTAssertTrue(valve.isFinished(channel: 1))
        XCTAssertEqual(valve.watermark(ofChannel: 1), StreamTime.maxWatermark)
        XCTAssertNil(valve.inputWatermark(50, channel: 1), "a finished channel sends nothing more")
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 1), [])
        XCTAssertEqual(valve.channelFinished(2), [.watermark(5)])
        XCTAssertFalse(valve.allChannelsFinished)
        XCTAssertEqual(valve.channelFinished(0), [.watermark(StreamTime.maxWatermark)])
        XCTAssertTrue(valve.allChannelsFinished)
        XCTAssertEqual(valve.channelFinished(0), [])
        XCTAssertEqual(valve.currentWatermark, StreamTime.maxWatermark)
    }

    func testFinishingTheLastActiveChannelMakesTheValveIdle() {
        var valve = StatusWatermarkValve(channelCount: 2)
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 0), [])
        XCTAssertEqual(valve.inputWatermark(7, channel: 1), .watermark(7))
        XCTAssertEqual(valve.channelFinished(1), [.status(.idle)])
        XCTAssertTrue(valve.isIdle)
        // the last channel finishing while idle: active again, then the final watermark
        XCTAssertEqual(valve.channelFinished(0), [.status(.active), .watermark(StreamTime.maxWatermark)])
        XCTAssertFalse(valve.isIdle)
    }

    func testSingleChannel() {
        var valve = StatusWatermarkValve(channelCount: 1)
        XCTAssertEqual(valve.currentWatermark, StreamTime.minWatermark)
        XCTAssertEqual(valve.inputWatermark(1, channel: 0), .watermark(1))
        XCTAssertNil(valve.inputWatermark(1, channel: 0))
        XCTAssertEqual(valve.inputWatermarkStatus(.idle, channel: 0), [.status(.idle)])
        XCTAssertTrue(valve.isIdle)
        XCTAssertNil(valve.inputWatermark(2, channel: 0))
        XCTAssertEqual(valve.inputWatermarkStatus(.active, channel: 0), [.status(.active)])
        XCTAssertEqual(valve.inputWatermark(2, channel: 0), .watermark(2))
        XCTAssertEqual(valve.channelFinished(0), [.watermark(StreamTime.maxWatermark)])
    }
}
