// Runs a gRPC server as a swift-service-lifecycle Service.

import GRPCCore
import GRPCNIOTransportHTTP2Posix
import ServiceLifecycle

/// A bound gRPC server that stops accepting calls on graceful shutdown.
struct GRPCServerService: Service {
    let server: GRPCServer<HTTP2ServerTransport.Posix>

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.serve()
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
