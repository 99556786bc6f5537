// The producer's end of one network channel: waits for the consumer's request, then sends
// buffers only against the credit the consumer granted.

import Foundation
import NIOCore
import RivuletRuntime

/// Why a producer could not send to its consumer.
package struct NetworkChannelError: Error, CustomStringConvertible, Sendable {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// One subpartition served to a consumer on another TaskManager. Created by whichever comes
/// first, the producer task or the consumer's request, and shared by both.
///
/// Safe to share across threads: every mutable field is read and written only while holding
/// `condition`. The producer task's thread blocks here (never an event loop thread).
package final class RemoteSubpartition: @unchecked Sendable {
    package let key: SubpartitionKey
    private let condition = NSCondition()
    private var channel: (any Channel)?
    private var stream: UInt32 = 0
    private var credits = 0
    /// The credits the consumer granted when it attached: its buffers for this channel.
    private var grantedCredits = 0
    private var failure: String?
    private var cancelled = false

    init(key: SubpartitionKey) {
        self.key = key
    }

    /// The consumer requested the subpartition on `channel` as `stream` (event loop).
    func attach(channel: any Channel, stream: UInt32, credits: Int) {
        condition.lock()
        if self.channel == nil && failure == nil {
            self.channel = channel
            self.stream = stream
            self.credits = credits
            self.grantedCredits = credits
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer freed `n` buffers (event loop).
    func addCredit(_ n: Int) {
        condition.lock()
        credits += n
        condition.broadcast()
        condition.unlock()
    }

    /// Share of the consumer's buffers holding data it has not taken yet.
    package var usage: Double {
        condition.lock()
        defer { condition.unlock() }
        guard grantedCredits > 0 else { return 0 }
        return min(1, max(0, Double(grantedCredits - credits) / Double(grantedCredits)))
    }

    /// The consumer is gone: the producer's next send fails with `reason`.
    package func fail(_ reason: String) {
        condition.lock()
        if failure == nil { failure = reason }
        condition.broadcast()
        condition.unlock()
    }

    /// The producer's task was cancelled: wake it.
    package func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// True when the consumer's connection is `channel`.
    func isServed(by channel: any Channel) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return self.channel === channel
    }

    /// Sends one buffer of records, waiting for the consumer and for credit. Returns the
    /// nanoseconds spent waiting for credit (backpressure).
    func send(buffer payload: [UInt8]) throws -> UInt64 {
        let (channel, stream, waited) = try acquire(credit: true)
        var out = channel.allocator.buffer(capacity: payload.count + 9)
        NetworkMessage.writeBufferHeader(stream: stream, payloadLength: payload.count, to: &out)
        out.writeBytes(payload)
        channel.writeAndFlush(out, promise: nil)
        return waited
    }

    /// Sends an event, waiting only for the consumer's request.
    func send(event: NetworkEvent) throws {
        let (channel, stream, _) = try acquire(credit: false)
        var out = channel.allocator.buffer(capacity: 32)
        NetworkMessage.event(stream: stream, event).write(to: &out)
        channel.writeAndFlush(out, promise: nil)
    }

    private func acquire(credit: Bool) throws -> (any Channel, UInt32, UInt64) {
        condition.lock()
        defer { condition.unlock() }
        var waitedSince: UInt64?
        while true {
            if cancelled { throw TaskCancelledError() }
            if let failure { throw NetworkChannelError(failure) }
            if let channel, !credit || credits > 0 {
                if credit { credits -= 1 }
                let waited = waitedSince.map { DispatchTime.now().uptimeNanoseconds - $0 } ?? 0
                return (channel, stream, waited)
            }
            // Waiting for the consumer to connect is start-up, not backpressure.
            if channel != nil && waitedSince == nil { waitedSince = DispatchTime.now().uptimeNanoseconds }
            condition.wait()
        }
    }
}

/// The producer task's sink for a remote consumer: serializes record batches into buffers
/// of at most `bufferSize` bytes and sends them through the subpartition.
package final class NetworkOutput: ChannelSink {
    package let subpartition: RemoteSubpartition
    let codec: RecordCodec
    let bufferSize: Int

    package init(subpartition: RemoteSubpartition, codec: RecordCodec, bufferSize: Int) {
        self.subpartition = subpartition
        self.codec = codec
        self.bufferSize = bufferSize
    }

    package func push(_ element: StreamElement, channel: Int) throws -> UInt64 {
        if case .records(let batch) = element {
            var waited: UInt64 = 0
            for buffer in try codec.encode(batch, bufferSize) {
                waited &+= try subpartition.send(buffer: buffer)
            }
            return waited
        }
        if let event = NetworkEvent(element) { try subpartition.send(event: event) }
        return 0
    }

    package func usage(channel: Int) -> Double { subpartition.usage }
}
