// Partitioners, batching and credit-based backpressure of the in-process network.

import XCTest
import Foundation
import Rivulet
import RivuletCore
import Synchronization

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
                producerIndex: 0, metrics: TaskIOMetrics()), inbox
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

    /// A taken batch releases only the producer of its channel; a cancel releases the rest.
    func testTakingABatchWakesOnlyThatChannelsProducer() throws {
        let inbox = TaskInbox(channelCount: 3, creditsPerChannel: 1)
        let batch: @Sendable () -> StreamElement = { StreamElement.records(RecordBatch<Int>([StreamRecord(1, timestamp: 0)])) }
        for channel in 0..<3 { try inbox.push(batch(), channel: channel) }
        let released = (0..<3).map { _ in DispatchSemaphore(value: 0) }
        for channel in 0..<3 {
            let signal = released[channel]
            Thread.detachNewThread {
                _ = try? inbox.push(batch(), channel: channel)  // no credit: blocks
                signal.signal()
            }
        }
        guard case .element(let taken, _)? = try inbox.poll() else { return XCTFail("expected a batch") }
        XCTAssertEqual(released[taken].wait(timeout: .now() + 10), .success, "the producer of channel \(taken) goes on")
        for channel in 0..<3 where channel != taken {
            XCTAssertEqual(released[channel].wait(timeout: .now() + 0.2), .timedOut, "channel \(channel) still has no credit")
        }
        inbox.cancel()
        for channel in 0..<3 where channel != taken {
            XCTAssertEqual(released[channel].wait(timeout: .now() + 10), .success, "cancel releases channel \(channel)")
        }
    }

    /// A sink that records batch sizes and reports every push as blocked or not.
    final class RecordingSink: ChannelSink, @unchecked Sendable {
        // Test-only: used from the test's thread alone.
        var sizes: [Int] = []
        var blocked = true
        func usage(channel: Int) -> Double { 0 }
        func push(_ element: StreamElement, channel: Int) throws -> UInt64 {
            if case .records(let batch) = element, let b = batch as? RecordBatch<Int> { sizes.append(b.records.count) }
            return blocked ? 1 : 0
        }
    }

    /// Batches double while pushes wait for credit, up to 4x the configured size; an early
    /// flush while the consumer is behind keeps the size, one the consumer keeps up with
    /// returns it to the configured one; with credit to spare batches stay as configured.
    func testBatchesGrowWhileTheConsumerIsBehindAndReturnWhenTheProducerFlushes() throws {
        let sink = RecordingSink()
        let w = RecordWriter<Int>(
            targets: [ChannelTarget(sink: sink, channel: 0)], partitioning: .forward, batchSize: 4, selectChannel: nil,
            producerIndex: 0, metrics: TaskIOMetrics())
        for v in 0..<60 { try w.emit(v, timestamp: 0) }
        XCTAssertEqual(sink.sizes, [4, 8, 16, 16, 16])
        try w.emit(60, timestamp: 0)
        try w.flushAll()
        XCTAssertEqual(sink.sizes.last, 1, "an early flush sends what is there")
        for v in 0..<16 { try w.emit(v, timestamp: 0) }
        XCTAssertEqual(sink.sizes.last, 16, "an early flush the consumer did not keep up with keeps the size")
        sink.blocked = false
        try w.emit(0, timestamp: 0)
        try w.flushAll()
        sink.sizes = []
        for v in 0..<12 { try w.emit(v, timestamp: 0) }
        XCTAssertEqual(sink.sizes, [4, 4, 4], "after an early flush the consumer kept up with, the configured size; no growth without waiting")
    }

    /// The consumer hands a batch's array back, and the producer fills it again.
    func testConsumedBatchStorageReturnsToTheProducer() throws {
        let (w, inbox) = writer(.forward, consumers: 1, batch: 4)
        func take() throws -> RecordBatch<Int> {
            guard case .element(_, .records(let b))? = try inbox.poll(), let batch = b as? RecordBatch<Int> else {
                throw XCTSkip("expected a batch")
            }
            return batch
        }
        for v in 0..<4 { try w.emit(v, timestamp: 0) }
        let first = try take()
        let storage = first.records.withUnsafeBufferPointer { $0.baseAddress }
        XCTAssertEqual(first.records.map(\.value), [0, 1, 2, 3])
        first.recycle()
        XCTAssertTrue(first.records.isEmpty)
        for v in 4..<12 { try w.emit(v, timestamp: 0) }  // the second batch, then the first array again
        _ = try take()
        let third = try take()
        XCTAssertEqual(third.records.map(\.value), [8, 9, 10, 11])
        XCTAssertEqual(third.records.withUnsafeBufferPointer { $0.baseAddress }, storage, "the recycled array carries the third batch")
    }

    /// Records go back with their array and are released by the producer when it takes the
    /// array again (on its own thread, where what they own was allocated), not by the consumer.
    func testRecycledRecordsAreReleasedWhenTheProducerTakesTheArray() throws {
        final class Counter: Sendable {
            let count = Mutex(0)
        }
        final class Owned: Sendable {
            let counter: Counter
            init(_ counter: Counter) { self.counter = counter }
            deinit { counter.count.withLock { $0 += 1 } }
        }
        let counter = Counter()
        let pool = RecordBufferPool<Owned>(capacity: 4, limit: 4)
        var records = pool.take()
        for _ in 0..<4 { records.append(StreamRecord(Owned(counter), timestamp: 0)) }
        let batch = RecordBatch(records, pool: pool)
        records = []
        batch.recycle()
        XCTAssertTrue(batch.records.isEmpty, "the consumer's batch lets go of its array")
        XCTAssertEqual(counter.count.withLock { $0 }, 0, "the records wait in the pool for the producer")
        let again = pool.take()
        XCTAssertTrue(again.isEmpty)
        XCTAssertGreaterThanOrEqual(again.capacity, 4)
        XCTAssertEqual(counter.count.withLock { $0 }, 4, "taking the array released its records")

        // Three batches back before the producer takes one: it gets the last, and the records
        // of all three are released then.
        let batches = (0..<3).map { _ in
            var array = pool.take()
            for _ in 0..<4 { array.append(StreamRecord(Owned(counter), timestamp: 0)) }
            return RecordBatch(array, pool: pool)
        }
        for batch in batches { batch.recycle() }
        XCTAssertEqual(counter.count.withLock { $0 }, 4, "pooled records wait for the producer")
        _ = pool.take()
        XCTAssertEqual(counter.count.withLock { $0 }, 16, "one take released the records of every pooled array")
    }
}
