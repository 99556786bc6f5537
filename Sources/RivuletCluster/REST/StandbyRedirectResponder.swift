// The JobManager's REST server across leadership terms: the leader answers, a standby
// redirects to the leader (Flink's standby JobManagers do the same).

import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// Answers with the REST API of the current leadership term; while this JobManager stands by,
/// answers `307 Temporary Redirect` to the same path on the leader's REST address (from leader
/// retrieval), or `503` while no leader is known. The server runs for the process's life, so a
/// standby's port answers too.
final class StandbyRedirectResponder: HTTPResponder, Sendable {
    typealias Context = BasicRequestContext

    /// The current term's API, nil while standing by.
    let term = Mutex<(any HTTPResponder<BasicRequestContext>)?>(nil)
    /// Where a standby finds the leader (nil: no leader retrieval, as without high availability).
    let retrieval = Mutex<(any LeaderRetrievalService)?>(nil)
    /// This JobManager's own REST address as it publishes it, once bound: a leader record that
    /// still names this process (leadership just ended or is starting) is not redirected to.
    let own = Mutex<(host: String, port: Int)?>(nil)

    /// This process's metrics: every JobManager, leader or standby, serves its own.
    let metrics: MetricRegistry
    /// Samples the metrics afresh, so that a scrape sees the cluster as it is now.
    let onScrape = Mutex<(@Sendable () -> Void)?>(nil)

    /// `https` when the REST API is served over TLS (every JobManager of a cluster alike).
    let scheme = Mutex("http")
    /// Refuses requests without the REST token before anything else.
    let authenticator: RestAuthenticator

    init(metrics: MetricRegistry, authenticator: RestAuthenticator) {
        self.metrics = metrics
        self.authenticator = authenticator
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        if let refusal = authenticator.refusal(request) { return refusal }
        if request.uri.path == "/metrics" {
            onScrape.withLock { $0 }?()
            return RestServer.metrics(metrics)
        }
        if let api = term.withLock({ $0 }) { return try await api.respond(to: request, context: context) }
        let retrieval = self.retrieval.withLock { $0 }
        let own = self.own.withLock { $0 }
        guard let leader = await retrieval?.currentLeader(), leader.restPort > 0, !leader.restHost.isEmpty,
            !(leader.restHost == own?.host && leader.restPort == own?.port)
        else {
            return RestServer.error(503, "this JobManager is a standby and no leader is known yet; retry shortly")
        }
        let host = leader.restHost.contains(":") && !leader.restHost.hasPrefix("[") ? "[\(leader.restHost)]" : leader.restHost
        let location = "\(scheme.withLock { $0 })://\(host):\(leader.restPort)\(request.uri.description)"
        var response = RestServer.error(307, "this JobManager is a standby; the leader answers at \(location)")
        response.headers[.location] = location
        return response
    }
}
