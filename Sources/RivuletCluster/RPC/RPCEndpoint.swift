// Clients of the control plane: one gRPC connection per remote address, calls with deadlines.

import RivuletRPC
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// A control-plane failure, named so logs and REST answers say what went wrong.
public struct ClusterError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The gRPC client of one remote process (`host:port`), opened on first use and kept. The host
/// may be an IPv4 or IPv6 literal or a name; a name that does not resolve is an error naming
/// it and `key` (the configuration key or registration it came from) when the endpoint is made.
public final class RPCEndpoint: Sendable {
    public typealias Transport = HTTP2ClientTransport.Posix
    public let host: String
    public let port: Int
    let client: GRPCClient<Transport>

    /// `security` is `.plaintext`, or mutual TLS from `InternalTLS` (`security.ssl.internal.*`).
    public init(host: String, port: Int, key: String, security: HTTP2ClientTransport.Posix.TransportSecurity = .plaintext) throws {
        self.host = host
        self.port = port
        let target: any ResolvableTarget
        switch ConfiguredHost(host) {
        case .ipv4(let address): target = .ipv4(address: address, port: port)
        case .ipv6(let address): target = .ipv6(address: address, port: port)
        case .name(let name):
            // Checked here so that a wrong name fails with its name, not as an unreachable peer;
            // gRPC resolves it again on each connection (addresses may change, as in a container network).
            _ = try ConfiguredHost.resolve(name, key: key)
            target = .dns(host: name, port: port)
        }
        let transport = try HTTP2ClientTransport.Posix(target: target, transportSecurity: security)
        let client = GRPCClient(transport: transport)
        self.client = client
        // Runs until `close()` begins the client's graceful shutdown.
        Task { try? await client.runConnections() }
    }

    public var resourceManager: Rivulet_Control_ResourceManagerGateway.Client<Transport> { .init(wrapping: client) }
    public var jobMaster: Rivulet_Control_JobMasterGateway.Client<Transport> { .init(wrapping: client) }
    public var taskExecutor: Rivulet_Control_TaskExecutorGateway.Client<Transport> { .init(wrapping: client) }

    /// Call options with the deadline every call must have.
    public static func options(timeoutMillis: Int64) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = .milliseconds(timeoutMillis)
        return options
    }

    /// Closes the connection once in-flight calls finish.
    public func close() {
        client.beginGracefulShutdown()
    }
}

extension ConfiguredHost {
    /// The address a gRPC server binds to: this host resolved to a literal first
    /// (`resolved(key:)`); a name left unresolved is bound as given.
    func socketAddress(port: Int) -> SocketAddress {
        switch self {
        case .ipv6(let address): return .ipv6(host: address, port: port)
        case .ipv4(let address), .name(let address): return .ipv4(host: address, port: port)
        }
    }
}

/// Runs calls to one peer one after another, in the order they were queued, off the caller's
/// thread: task threads report state changes and checkpoint acknowledgements through it
/// without blocking, and the peer sees them in order.
public final class SerialCallQueue: Sendable {
    private let continuation: AsyncStream<@Sendable () async -> Void>.Continuation

    public init() {
        let (stream, continuation) = AsyncStream<@Sendable () async -> Void>.makeStream()
        self.continuation = continuation
        // Ends when `finish()` ends the stream.
        Task {
            for await call in stream { await call() }
        }
    }

    /// Queues `call`; returns at once.
    public func enqueue(_ call: @escaping @Sendable () async -> Void) {
        continuation.yield(call)
    }

    /// Stops after the queued calls.
    public func finish() {
        continuation.finish()
    }
}
