// The TaskManager's link to the leading JobManager: the gateway to the address leader retrieval
// names, the session it registered under, and an ordered queue for everything tasks report.

import Foundation
import Logging
import Synchronization

/// Where the TaskManager's calls to the JobManager go. The gateway follows the leader that
/// leader retrieval names; the session id is the one the leader gave at registration.
final class JobManagerConnection: Sendable {
    /// Makes the gateway to the JobManager at `host:port` (gRPC in a cluster, in-process in local mode).
    typealias Connect = @Sendable (_ host: String, _ port: Int) throws -> any JobManagerGateway

    struct Link {
        var host: String
        var port: Int
        var gateway: any JobManagerGateway
        var address: String { "\(host):\(port)" }
    }

    let logger: Logger
    let connect: Connect
    private let queue = SerialCallQueue()
    private let state = Mutex<(link: Link?, session: String?)>((nil, nil))

    init(logger: Logger, connect: @escaping Connect) {
        self.logger = logger
        self.connect = connect
    }

    /// The gateway of the JobManager at `host:port`, kept while the leader stays there; a new
    /// address closes the old gateway and forgets its session.
    func gateway(host: String, port: Int) throws -> any JobManagerGateway {
        let (gateway, replaced) = try state.withLock { s -> (any JobManagerGateway, (any JobManagerGateway)?) in
            if let current = s.link, current.host == host, current.port == port { return (current.gateway, nil) }
            let created = try connect(host, port)
            let old = s.link?.gateway
            s = (Link(host: host, port: port, gateway: created), nil)
            return (created, old)
        }
        replaced?.close()
        return gateway
    }

    /// The leader session id learned at registration (nil while not registered).
    var leaderSessionID: String? { state.withLock { $0.session } }

    /// The registered leader: its link and session.
    var leader: (link: Link, session: String)? {
        state.withLock { s in s.link.flatMap { l in s.session.map { (l, $0) } } }
    }

    func setSession(_ id: String?) { state.withLock { $0.session = id } }

    /// Queues a call to the registered leader; calls run one at a time in order. Failures are
    /// logged: the heartbeat decides whether the JobManager is lost.
    func send(_ call: @escaping @Sendable (_ gateway: any JobManagerGateway, _ session: String) async throws -> Void) {
        let logger = self.logger
        queue.enqueue { [self] in
            guard let (link, session) = leader else { return }
            do {
                try await call(link.gateway, session)
            } catch {
                logger.warning("call to the JobManager at \(link.address) failed: \(error)")
            }
        }
    }

    func close() {
        queue.finish()
        let gateway = state.withLock { s -> (any JobManagerGateway)? in
            defer { s = (nil, nil) }
            return s.link?.gateway
        }
        gateway?.close()
    }
}
