// A TaskManager's data plane: the server producers serve consumers from, and the pool of
// connections its consumers read through.

import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// TLS of the data plane: the context a producer's server presents (and with which it
/// verifies consumers' certificates), and the one a consumer connects with.
package struct DataPlaneTLS: Sendable {
    package let server: NIOSSLContext
    package let client: NIOSSLContext
    /// Told of every connection the server refused (no certificate, or one the CA did not sign
    /// or that expired), with the peer's address and why.
    package let onRefused: @Sendable (String) -> Void

    package init(server: NIOSSLContext, client: NIOSSLContext, onRefused: @escaping @Sendable (String) -> Void = { _ in }) {
        self.server = server
        self.client = client
        self.onRefused = onRefused
    }
}

/// Closes a data connection whose TLS handshake failed, reporting who was refused.
final class TLSRefusalHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let onRefused: @Sendable (String) -> Void

    init(onRefused: @escaping @Sendable (String) -> Void) {
        self.onRefused = onRefused
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is NIOSSLError || error is BoringSSLError {
            onRefused("refused a data connection from \(context.remoteAddress.map { "\($0)" } ?? "an unknown peer"): \(error)")
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }
}

/// Records between TaskManagers: one TCP connection per (consumer TaskManager, producer
/// TaskManager) pair, channels multiplexed on it, credit-based flow control per channel.
package final class DataPlane: Sendable {
    package let partitions: ResultPartitionManager
    /// The event loops and the server; nil for a data plane of one process (`inProcess()`).
    let group: MultiThreadedEventLoopGroup?
    let serverChannel: (any Channel)?
    /// The address consumers connect to.
    package let host: String
    package let port: Int
    private let clients = Mutex<[String: PartitionRequestClient]>([:])
    /// Serialises connection set-up so two tasks never open two connections to one peer.
    private let connecting = Mutex(())
    /// Mutual TLS on every data connection, when configured.
    let tls: DataPlaneTLS?

    private init(
        group: MultiThreadedEventLoopGroup?, serverChannel: (any Channel)?, host: String, port: Int,
        partitions: ResultPartitionManager, tls: DataPlaneTLS?
    ) {
        self.tls = tls
        self.group = group
        self.serverChannel = serverChannel
        self.host = host
        self.port = port
        self.partitions = partitions
    }

    /// Binds the data-plane server on `host:port` (0: any free port); with `tls`, every
    /// connection (served or opened) is mutual TLS.
    package static func start(host: String, port: Int, threads: Int = 1, tls: DataPlaneTLS? = nil) async throws -> DataPlane {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let partitions = ResultPartitionManager()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.server))
                            try channel.pipeline.syncOperations.addHandler(TLSRefusalHandler(onRefused: tls.onRefused))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NetworkMessageDecoder()))
                        try channel.pipeline.syncOperations.addHandler(PartitionRequestServerHandler(partitions: partitions))
                    }
                }
                .bind(host: host, port: port).get()
            let bound = channel.localAddress?.port ?? port
            return DataPlane(group: group, serverChannel: channel, host: host, port: bound, partitions: partitions, tls: tls)
        } catch {
            try? await group.shutdownGracefully()
            throw NetworkChannelError("cannot listen for data connections on \(host):\(port): \(error)")
        }
    }

    /// A data plane that neither listens nor connects: for a single TaskManager in this process
    /// (local mode), whose subtasks all exchange records through in-memory inboxes.
    package static func inProcess() -> DataPlane {
        DataPlane(group: nil, serverChannel: nil, host: "in-process", port: 0, partitions: ResultPartitionManager(), tls: nil)
    }

    /// The connection to the producer TaskManager at `host:port`, opened when needed. Blocks
    /// the calling thread (a task thread, never an event loop) while connecting.
    package func client(host: String, port: Int) throws -> PartitionRequestClient {
        let address = "\(host):\(port)"
        return try connecting.withLock { _ in
            if let existing = clients.withLock({ $0[address] }), !existing.isLost { return existing }
            guard let group else {
                throw NetworkChannelError("this process's data plane opens no connections (asked for \(address))")
            }
            let slot = ClientSlot()
            let tls = self.tls
            let channel: any Channel
            do {
                channel = try ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connectTimeout(.seconds(10))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let tls {
                                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls.client, serverHostname: nil))
                            }
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
    package func shutdown() async {
        let all = clients.withLock { c -> [PartitionRequestClient] in
            defer { c.removeAll() }
            return Array(c.values)
        }
        for client in all { client.close() }
        try? await serverChannel?.close()
        try? await group?.shutdownGracefully()
    }
}
