// A TaskManager's data plane: the server producers serve consumers from, and the pool of
// connections its consumers read through.

import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// Records between TaskManagers: one TCP connection per (consumer TaskManager, producer
/// TaskManager) pair, channels multiplexed on it, credit-based flow control per channel.
public final class DataPlane: Sendable {
    public let partitions: ResultPartitionManager
    let group: MultiThreadedEventLoopGroup
    let serverChannel: any Channel
    /// The address consumers connect to.
    public let host: String
    public let port: Int
    private let clients = Mutex<[String: PartitionRequestClient]>([:])
    /// Serialises connection set-up so two tasks never open two connections to one peer.
    private let connecting = Mutex(())

    private init(
        group: MultiThreadedEventLoopGroup, serverChannel: any Channel, host: String, port: Int,
        partitions: ResultPartitionManager
    ) {
        self.group = group
        self.serverChannel = serverChannel
        self.host = host
        self.port = port
        self.partitions = partitions
    }

    /// Binds the data-plane server on `host:port` (0: any free port).
    public static func start(host: String, port: Int, threads: Int = 1) async throws -> DataPlane {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let partitions = ResultPartitionManager()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NetworkMessageDecoder()))
                        try channel.pipeline.syncOperations.addHandler(PartitionRequestServerHandler(partitions: partitions))
                    }
                }
                .bind(host: host, port: port).get()
            let bound = channel.localAddress?.port ?? port
            return DataPlane(group: group, serverChannel: channel, host: host, port: bound, partitions: partitions)
        } catch {
            try? await group.shutdownGracefully()
            throw NetworkChannelError("cannot listen for data connections on \(host):\(port): \(error)")
        }
    }

    /// The connection to the producer TaskManager at `host:port`, opened when needed. Blocks
    /// the calling thread (a task thread, never an event loop) while connecting.
    public func client(host: String, port: Int) throws -> PartitionRequestClient {
        let address = "\(host):\(port)"
        return try connecting.withLock { _ in
            if let existing = clients.withLock({ $0[address] }), !existing.isLost { return existing }
            let slot = ClientSlot()
            let channel: any Channel
            do {
                channel = try ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.seconds(10))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NetworkMessageDecoder()))
                            try channel.pipeline.syncOperations.addHandler(PartitionRequestClientHandler(slot: slot))
                        }
                    }
                    .connect(host: host, port: port).wait()
            } catch {
                throw NetworkChannelError("cannot open a data connection to the TaskManager at \(address): \(error)")
            }
            let client = PartitionRequestClient(address: address, channel: channel)
            slot.set(client)
            if !channel.isActive { client.connectionLost() }
            clients.withLock { $0[address] = client }
            return client
        }
    }

    /// Closes every connection and the server.
    public func shutdown() async {
        let all = clients.withLock { c -> [PartitionRequestClient] in
            defer { c.removeAll() }
            return Array(c.values)
        }
        for client in all { client.close() }
        try? await serverChannel.close()
        try? await group.shutdownGracefully()
    }
}
