// The TaskManager's link to the leading JobManager: the endpoint found through leader
// retrieval, the session it registered under, and an ordered queue for everything tasks report.

import Foundation
import GRPCCore
import Logging
import Synchronization

/// Where the TaskManager's calls to the JobManager go. The endpoint follows the leader that
/// leader retrieval names; the session id is the one the leader gave at registration.
final class JobManagerConnection: Sendable {
    let rpcTimeoutMillis: Int64
    let logger: Logger
    private let queue = SerialCallQueue()
    private let state = Mutex<(endpoint: RPCEndpoint?, session: String?)>((nil, nil))

    init(rpcTimeoutMillis: Int64, logger: Logger) {
        self.rpcTimeoutMillis = rpcTimeoutMillis
        self.logger = logger
    }

    /// The endpoint of the JobManager at `host:port`, kept while the leader stays there; a new
    /// address closes the old endpoint and forgets its session.
    func endpoint(host: String, port: Int) throws -> RPCEndpoint {
        let (endpoint, replaced) = try state.withLock { s -> (RPCEndpoint, RPCEndpoint?) in
            if let current = s.endpoint, current.host == host, current.port == port { return (current, nil) }
            let created = try RPCEndpoint(host: host, port: port)
            let old = s.endpoint
            s = (created, nil)
            return (created, old)
        }
        replaced?.close()
        return endpoint
    }

    /// The leader session id learned at registration (nil while not registered).
    var leaderSessionID: String? { state.withLock { $0.session } }

    /// The registered leader: its endpoint and session.
    var leader: (endpoint: RPCEndpoint, session: String)? {
        state.withLock { s in s.endpoint.flatMap { e in s.session.map { (e, $0) } } }
    }

    func setSession(_ id: String?) { state.withLock { $0.session = id } }

    var options: CallOptions { RPCEndpoint.options(timeoutMillis: rpcTimeoutMillis) }

    /// Queues a call to the registered leader; calls run one at a time in order. Failures are
    /// logged: the heartbeat decides whether the JobManager is lost.
    func send(_ call: @escaping @Sendable (RPCEndpoint, String, CallOptions) async throws -> Void) {
        let options = self.options, logger = self.logger
        queue.enqueue { [self] in
            guard let (endpoint, session) = leader else { return }
            do {
                try await call(endpoint, session, options)
            } catch {
                logger.warning("call to the JobManager at \(endpoint.address) failed: \(error)")
            }
        }
    }

    func close() {
        queue.finish()
        let endpoint = state.withLock { s -> RPCEndpoint? in
            defer { s = (nil, nil) }
            return s.endpoint
        }
        endpoint?.close()
    }
}
