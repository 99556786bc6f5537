// The consumer side of a data-plane connection to one producer TaskManager.

import NIOCore
import Synchronization

/// One TCP connection to a producer TaskManager, multiplexing every subpartition this
/// TaskManager's tasks consume from it.
package final class PartitionRequestClient: Sendable {
    package let address: String
    let channel: any Channel
    struct State {
        var inputs: [UInt32: RemoteInputChannel] = [:]
        var nextStream: UInt32 = 1
        var lost: String?
    }
    private let state = Mutex(State())

    init(address: String, channel: any Channel) {
        self.address = address
        self.channel = channel
    }

    /// Asks the producer for `input`'s subpartition with `credits` buffers of initial credit.
    /// `registered` gets the subpartition's stream id on this connection before the request
    /// leaves (so whatever returns credit for the stream is in place before data arrives).
    @discardableResult
    package func request(_ input: RemoteInputChannel, credits: Int, registered: (UInt32) -> Void = { _ in }) throws -> UInt32 {
        let stream = try state.withLock { s -> UInt32 in
            if let lost = s.lost { throw NetworkChannelError(lost) }
            let stream = s.nextStream
            s.nextStream &+= 1
            s.inputs[stream] = input
            return stream
        }
        registered(stream)
        send(.partitionRequest(stream: stream, key: input.key, credits: UInt32(credits)))
        return stream
    }

    /// Grants `n` more buffers of credit to `stream`.
    package func addCredit(stream: UInt32, _ n: Int = 1) {
        send(.addCredit(stream: stream, credits: UInt32(n)))
    }

    /// Stops consuming `stream` (its task ended): both ends forget it.
    package func release(stream: UInt32) {
        let known = state.withLock { $0.inputs.removeValue(forKey: stream) != nil }
        if known { send(.cancelRequest(stream: stream)) }
    }

    private func send(_ message: NetworkMessage) {
        var out = channel.allocator.buffer(capacity: 64)
        message.write(to: &out)
        channel.writeAndFlush(out, promise: nil)
    }

    func input(_ stream: UInt32) -> RemoteInputChannel? {
        state.withLock { $0.inputs[stream] }
    }

    /// The connection closed: every input channel on it fails.
    func connectionLost() {
        let inputs = state.withLock { s -> [RemoteInputChannel] in
            if s.lost == nil { s.lost = "lost the data connection to the TaskManager at \(address)" }
            defer { s.inputs.removeAll() }
            return Array(s.inputs.values)
        }
        for input in inputs { input.failed("lost the data connection to the TaskManager at \(address)") }
    }

    package var isLost: Bool { state.withLock { $0.lost != nil } }

    func close() {
        channel.close(promise: nil)
    }
}

/// Hands the client to its connection's handler once the connection is up.
final class ClientSlot: Sendable {
    private let client = Mutex<PartitionRequestClient?>(nil)
    func set(_ c: PartitionRequestClient) { client.withLock { $0 = c } }
    var value: PartitionRequestClient? { client.withLock { $0 } }
}

/// Routes frames from a producer to the input channels they belong to.
final class PartitionRequestClientHandler: ChannelInboundHandler {
    typealias InboundIn = NetworkMessage
    let slot: ClientSlot
    var cached: PartitionRequestClient?

    init(slot: ClientSlot) {
        self.slot = slot
    }

    var client: PartitionRequestClient? {
        if cached == nil { cached = slot.value }
        return cached
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let client else { return }
        switch unwrapInboundIn(data) {
        case .buffer(let stream, let payload):
            client.input(stream)?.received(buffer: payload)
        case .event(let stream, let event):
            client.input(stream)?.received(event: event)
        case .error(let stream, let message):
            client.input(stream)?.failed("the producer at \(client.address) reports: \(message)")
        case .partitionRequest, .addCredit, .cancelRequest:
            context.fireErrorCaught(NetworkProtocolError("a producer sent a consumer-only frame"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client?.connectionLost()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
