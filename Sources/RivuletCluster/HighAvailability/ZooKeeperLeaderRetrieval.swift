// Leader retrieval through ZooKeeper: follows `leader/connection_info` with a watch.

import Foundation
import Logging
import RivuletZooKeeper
import Synchronization

/// Tells TaskManagers and clients who leads: the leader's addresses and session id as the
/// leader published them, kept current by a watch on `leader/connection_info`.
public final class ZooKeeperLeaderRetrieval: LeaderRetrievalService {
    let client: ZooKeeperClient
    let connectionInfoPath: String
    let logger: Logger
    private let leader = Mutex<LeaderInformation?>(nil)
    private let reads = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    init(client: ZooKeeperClient, connectionInfoPath: String, logger: Logger) {
        self.client = client
        self.connectionInfoPath = connectionInfoPath
        self.logger = logger
    }

    /// Reads the current leader and keeps following it.
    func start() async {
        let continuation = reads.continuation
        client.addConnectionListener { event in
            if event == .connected || event == .reconnected { continuation.yield() }
        }
        await read()
        Task { [weak self] in
            guard let stream = self?.reads.stream else { return }
            for await _ in stream {
                guard let self else { return }
                await self.read()
            }
        }
    }

    public func currentLeader() async -> LeaderInformation? {
        leader.withLock { $0 }
    }

    private func read() async {
        let continuation = reads.continuation
        let rewatch: @Sendable (ZooKeeperWatchEvent) -> Void = { _ in continuation.yield() }
        do {
            let node = try await client.get(connectionInfoPath, watch: rewatch)
            let information = try JSONDecoder().decode(LeaderInformation.self, from: Data(node.data))
            let changed = leader.withLock { l -> Bool in
                defer { l = information }
                return l != information
            }
            if changed {
                logger.info(
                    "leader is session \(information.sessionID) at RPC \(information.rpcHost):\(information.rpcPort), REST \(information.restHost):\(information.restPort)"
                )
            }
        } catch let error as ZooKeeperError where error.code == .noNode {
            leader.withLock { $0 = nil }
            // Watch for the next leader's node; it may have appeared in between.
            if (try? await client.exists(connectionInfoPath, watch: rewatch)) ?? nil != nil { continuation.yield() }
        } catch {
            logger.warning("cannot read the leader from \(connectionInfoPath): \(error); trying again")
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                continuation.yield()
            }
        }
    }
}

/// A one-off look at who leads, for command-line clients.
public enum LeaderLookup {
    /// The leader published in ZooKeeper, waiting up to `waitingMillis` for one to appear.
    public static func find(_ settings: HighAvailabilitySettings, waitingMillis: Int) async throws -> LeaderInformation? {
        let client = settings.makeClient()
        try await client.start()
        defer { client.close() }
        let path = settings.connectionInfoPath
        let deadline = ContinuousClock.now + .milliseconds(waitingMillis)
        while true {
            do {
                let node = try await client.retrying { try await client.get(path) }
                return try JSONDecoder().decode(LeaderInformation.self, from: Data(node.data))
            } catch let error as ZooKeeperError where error.code == .noNode {
                if ContinuousClock.now >= deadline { return nil }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}
