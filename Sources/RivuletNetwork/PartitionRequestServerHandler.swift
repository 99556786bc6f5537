// The producer side of a data-plane connection: serves consumers' partition requests.

import NIOCore

/// Attaches requested subpartitions to this connection and routes credits to them. When the
/// connection closes, every subpartition it served fails, so its producer task fails too.
final class PartitionRequestServerHandler: ChannelInboundHandler {
    typealias InboundIn = NetworkMessage

    let partitions: ResultPartitionManager
    var streams: [UInt32: RemoteSubpartition] = [:]

    init(partitions: ResultPartitionManager) {
        self.partitions = partitions
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .partitionRequest(let stream, let key, let credits):
            guard let subpartition = partitions.subpartition(key) else {
                var out = context.channel.allocator.buffer(capacity: 64)
                NetworkMessage.error(stream: stream, message: "subpartition \(key) was already released").write(to: &out)
                context.writeAndFlush(NIOAny(out), promise: nil)
                return
            }
            streams[stream] = subpartition
            subpartition.attach(channel: context.channel, stream: stream, credits: Int(credits))
        case .addCredit(let stream, let credits):
            streams[stream]?.addCredit(Int(credits))
        case .cancelRequest(let stream):
            streams.removeValue(forKey: stream)?.fail("the consumer cancelled its request")
        case .buffer, .event, .error:
            context.fireErrorCaught(NetworkProtocolError("a consumer sent a producer-only frame"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let peer = context.channel.remoteAddress.map { "\($0)" } ?? "a consumer TaskManager"
        for subpartition in streams.values where subpartition.isServed(by: context.channel) {
            subpartition.fail("lost the data connection to \(peer)")
        }
        streams.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
