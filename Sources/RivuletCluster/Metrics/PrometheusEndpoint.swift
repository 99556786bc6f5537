// A process's own HTTP endpoint for Prometheus (Flink's PrometheusReporter), used by
// TaskManagers: `GET /metrics` on the first free port of `metrics.reporter.prom.port`.

import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// Serves `/metrics` from a registry on the first port of `ports` that is free, until the
/// process shuts down.
struct PrometheusEndpoint: Service {
    let registry: MetricRegistry
    let host: String
    let ports: ClosedRange<Int>
    let logger: Logger
    /// The REST token, which a scrape presents too.
    let authenticator: RestAuthenticator
    /// HTTPS, as the REST API (security.ssl.rest.*).
    let tls: RestTLS?

    func run() async throws {
        let router = Router()
        router.get("/metrics") { [registry, authenticator] request, _ in
            authenticator.refusal(request) ?? RestServer.metrics(registry)
        }
        for port in ports {
            let app = Application(
                router: router, server: try tls.map { try .tls(.http1(), tlsConfiguration: try $0.serverConfiguration()) } ?? .http1(),
                configuration: .init(address: .hostname(host, port: port), serverName: "rivulet"),
                onServerRunning: { [logger] channel in
                    let bound = channel.localAddress?.port ?? port
                    logger.info("Prometheus metrics on http://\(host):\(bound)/metrics")
                }, logger: logger)
            do {
                try await app.runService()
                return
            } catch let error as IOError where error.errnoCode == EADDRINUSE && port < ports.upperBound {
                continue
            }
        }
    }
}
