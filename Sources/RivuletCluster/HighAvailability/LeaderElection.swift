// Leader election and leader retrieval: where a JobManager learns it leads (and its session
// id) and where TaskManagers and clients learn the leader's address. Standalone clusters
// (`high-availability.type: none`) have one JobManager that always leads; the ZooKeeper
// implementation plugs in behind the same protocols.

import Foundation
import Synchronization

/// The leader's addresses and session id, as TaskManagers and clients see them.
public struct LeaderInformation: Sendable, Equatable, Codable {
    public var sessionID: String
    public var rpcHost: String
    public var rpcPort: Int
    public var restHost: String
    public var restPort: Int

    public init(sessionID: String, rpcHost: String, rpcPort: Int, restHost: String, restPort: Int) {
        self.sessionID = sessionID
        self.rpcHost = rpcHost
        self.rpcPort = rpcPort
        self.restHost = restHost
        self.restPort = restPort
    }
}

/// A process that can lead (the JobManager).
public protocol LeaderContender: Sendable {
    /// This contender leads now, under `sessionID`, until `revokeLeadership`.
    func grantLeadership(sessionID: String) async
    /// This contender lost leadership: stop acting as leader at once.
    func revokeLeadership() async
}

/// Runs a contender for leadership.
public protocol LeaderElectionService: Sendable {
    /// Starts competing; grants and revocations go to `contender`.
    func start(contender: any LeaderContender) async throws
    /// Publishes the leader's addresses (only while this contender leads).
    func confirmLeadership(_ information: LeaderInformation) async throws
    /// Stops competing (and gives up leadership).
    func stop() async
}

/// Tells TaskManagers and clients who leads.
public protocol LeaderRetrievalService: Sendable {
    /// The current leader, or nil while there is none.
    func currentLeader() async -> LeaderInformation?
}

/// The standalone cluster's election: the one JobManager leads from the start, with a new
/// random session id per process. It also tells where the leader is once it confirmed
/// leadership, for a TaskManager in the same process (`rivulet local --web-ui`), whose
/// JobManager binds a port it cannot know in advance.
public final class StandaloneLeaderElection: LeaderElectionService, LeaderRetrievalService {
    public let sessionID = UUID().uuidString.lowercased()
    private let confirmed = Mutex<LeaderInformation?>(nil)

    public init() {}

    public func start(contender: any LeaderContender) async throws {
        await contender.grantLeadership(sessionID: sessionID)
    }

    public func confirmLeadership(_ information: LeaderInformation) async throws {
        confirmed.withLock { $0 = information }
    }

    public func currentLeader() async -> LeaderInformation? { confirmed.withLock { $0 } }

    public func stop() async {}
}

/// The standalone cluster's retrieval: the configured JobManager address.
public struct StandaloneLeaderRetrieval: LeaderRetrievalService {
    public let rpcHost: String
    public let rpcPort: Int
    public let restHost: String
    public let restPort: Int

    public init(rpcHost: String, rpcPort: Int, restHost: String, restPort: Int) {
        self.rpcHost = rpcHost
        self.rpcPort = rpcPort
        self.restHost = restHost
        self.restPort = restPort
    }

    public func currentLeader() async -> LeaderInformation? {
        // The session id is learned at registration in a standalone cluster.
        LeaderInformation(sessionID: "", rpcHost: rpcHost, rpcPort: rpcPort, restHost: restHost, restPort: restPort)
    }
}
