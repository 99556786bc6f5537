// Partitioners, batching and credit-based backpressure of the in-process network.

import XCTest
import Foundation
import Rivulet
import RivuletCore

final class NetworkTests: XCTestCase {
    /// Drains every record batch of `inbox` per channel.
    func drain(_ inbox: TaskInbox) throws -> [Int: [Int]] {
        var result: [Int: [Int]] = [:]
        while let event = try inbox.poll() {
            if case .element(let ch, .records(let batch)) = event, let b = batch as? RecordBatch<Int> {
                result[ch, default: []] += b.records.map(\.value)
            }
        }
        return result
    }

    func writer(_ p: Partitioning, consumers: Int, batch: Int = 4, select: ((Int) -> Int)? = nil) -> (RecordWriter<Int>, TaskInbox) {
        let inbox = TaskInbox(channelCount: consumers, creditsPerChannel: 100)
        let targets = (0..<consumers).map { ChannelTarget(inbox: inbox, channel: $0) }
        return (
            RecordWriter<Int>(
                targets: targets, partitioning: p, batchSize: batch, selectChannel: select,
                producerIndex: 0, metrics: OutputMetrics()), inbox
        )
    }

    func testRebalanceIsRoundRobinAndBroadcastReachesAll() throws {
        let (rr, rrInbox) = writer(.rebalance, consumers: 3)
        for v in 0..<9 { try rr.emit(v, timestamp: 0) }
        try rr.flushAll()
        XCTAssertEqual(try drain(rrInbox), [0: [0, 3, 6], 1: [1, 4, 7], 2: [2, 5, 8]])
        let (bc, bcInbox) = writer(.broadcast, consumers: 2)
        try bc.emit(5, timestamp: 0)
        try bc.flushAll()
        XCTAssertEqual(try drain(bcInbox), [0: [5], 1: [5]])
    }

    func testHashPartitioningFollowsKeyGroupRanges() throws {
        let p = 3, maxP = 128
        let select: (Int) -> Int = {
            KeyGroupRangeAssignment.operatorIndex(
                forKeyGroup: KeyGroupRangeAssignment.keyGroup(for: $0, maxParallelism: maxP),
                maxParallelism: maxP, parallelism: p)
        }
        let (w, inbox) = writer(.hash, consumers: p, select: select)
        for v in 0..<300 { try w.emit(v, timestamp: 0) }
        try w.flushAll()
        let byChannel = try drain(inbox)
        XCTAssertEqual(byChannel.values.map(\.count).reduce(0, +), 300)
        for (channel, values) in byChannel {
            let range = KeyGroupRangeAssignment.range(maxParallelism: maxP, parallelism: p, operatorIndex: channel)
            for v in values {
                XCTAssertTrue(range.contains(KeyGroupRangeAssignment.keyGroup(for: v, maxParallelism: maxP)))
            }
        }
        XCTAssertEqual(byChannel.count, 3, "300 keys should reach every subtask")
    }

    func testBatchesAreSentWhenFullAndEventsFlushFirst() throws {
        let (w, inbox) = writer(.forward, consumers: 1, batch: 4)
        for v in 0..<5 { try w.emit(v, timestamp: 0) }
        // One full batch went out; the fifth record waits.
        guard case .element(_, .records(let first))? = try inbox.poll(), let b = first as? RecordBatch<Int> else {
            return XCTFail("expected a batch")
        }
        XCTAssertEqual(b.records.map(\.value), [0, 1, 2, 3])
        XCTAssertNil(try inbox.poll())
        try w.broadcastEvent(.watermark(7))
        guard case .element(_, .records(let second))? = try inbox.poll() else { return XCTFail("expected flushed batch") }
        XCTAssertEqual((second as? RecordBatch<Int>)?.records.map(\.value), [4])
        guard case .element(_, .watermark(7))? = try inbox.poll() else { return XCTFail("expected watermark after records") }
    }

    func testProducerBlocksWithoutCreditUntilConsumerTakesABatch() throws {
        let inbox = TaskInbox(channelCount: 1, creditsPerChannel: 2)
        let batch: @Sendable () -> StreamElement = { StreamElement.records(RecordBatch<Int>([StreamRecord(1, timestamp: 0)])) }
        try inbox.push(batch(), channel: 0)
        try inbox.push(batch(), channel: 0)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? inbox.push(batch(), channel: 0)  // no credit: blocks
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 0.2), .timedOut, "a push without credit must block")
        // Events are never held back by credit.
        XCTAssertNoThrow(try inbox.push(.watermark(1), channel: 0))
        _ = try inbox.poll()
        XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "taking a batch must release the producer")
        XCTAssertGreaterThan(inbox.producerBlockedNanos, 0)
    }

    func testCancelWakesBlockedProducer() throws {
        let inbox = TaskInbox(channelCount: 1, creditsPerChannel: 1)
        try inbox.push(.records(RecordBatch<Int>([])), channel: 0)
        let failed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { try inbox.push(.records(RecordBatch<Int>([])), channel: 0) } catch { failed.signal() }
        }
        inbox.cancel()
        XCTAssertEqual(failed.wait(timeout: .now() + 10), .success)
    }
}
