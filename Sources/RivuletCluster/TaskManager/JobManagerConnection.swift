// The TaskManager's link to the JobManager: registration with backoff, heartbeats, and an
// ordered queue for everything tasks report.

import Foundation
import GRPCCore
import Logging
import Synchronization

/// Registration, heartbeats and ordered reporting to the JobManager at one address.
final class JobManagerConnection: Sendable {
    let endpoint: RPCEndpoint
    let rpcTimeoutMillis: Int64
    let logger: Logger
    private let queue = SerialCallQueue()
    private let session = Mutex<String?>(nil)

    init(endpoint: RPCEndpoint, rpcTimeoutMillis: Int64, logger: Logger) {
        self.endpoint = endpoint
        self.rpcTimeoutMillis = rpcTimeoutMillis
        self.logger = logger
    }

    /// The leader session id learned at registration (nil while not registered).
    var leaderSessionID: String? { session.withLock { $0 } }

    func setSession(_ id: String?) { session.withLock { $0 = id } }

    var options: CallOptions { RPCEndpoint.options(timeoutMillis: rpcTimeoutMillis) }

    /// Queues a call; calls run one at a time in order. Failures are logged: the heartbeat
    /// decides whether the JobManager is lost.
    func send(_ call: @escaping @Sendable (RPCEndpoint, String, CallOptions) async throws -> Void) {
        let endpoint = self.endpoint, options = self.options, logger = self.logger
        queue.enqueue { [self] in
            guard let id = leaderSessionID else { return }
            do {
                try await call(endpoint, id, options)
            } catch {
                logger.warning("call to the JobManager at \(endpoint.address) failed: \(error)")
            }
        }
    }

    func close() {
        queue.finish()
        endpoint.close()
    }
}
