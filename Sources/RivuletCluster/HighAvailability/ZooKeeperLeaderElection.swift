// Leader election through a ZooKeeper latch: every JobManager creates an ephemeral sequential
// node under `leader/latch`; the lowest leads. The others watch their predecessor.

import Foundation
import Logging
import RivuletZooKeeper
import Synchronization

/// The JobManagers' election (Curator's LeaderLatch, as Flink uses it). A new random leader
/// session id comes with each grant. Leadership is revoked at once when the session expires,
/// and after `suspendedGraceMillis` when the connection stays broken (before the session can
/// expire on the servers, so a standby never leads while this one still does).
public final class ZooKeeperLeaderElection: LeaderElectionService {
    let client: ZooKeeperClient
    let latchPath: String
    let connectionInfoPath: String
    let suspendedGraceMillis: Int
    let logger: Logger

    enum Event: Sendable {
        case check
        case connection(ZooKeeperConnectionEvent)
        case graceOver(Int)
        case stop
    }

    struct State {
        var contender: (any LeaderContender)?
        /// Our latch node, once created in the current session.
        var latchNode: String?
        /// The session id of the current grant.
        var leading: String?
        var suspensions = 0
        var suspended = false
        var stopped = false
    }
    private let state = Mutex(State())
    private let events = AsyncStream<Event>.makeStream()

    init(client: ZooKeeperClient, latchPath: String, connectionInfoPath: String, suspendedGraceMillis: Int, logger: Logger) {
        self.client = client
        self.latchPath = latchPath
        self.connectionInfoPath = connectionInfoPath
        self.suspendedGraceMillis = suspendedGraceMillis
        self.logger = logger
    }

    /// Our latch node while we lead: writes of the leader check it in the same transaction.
    var currentLatch: String? { state.withLock { $0.leading == nil ? nil : $0.latchNode } }

    public func start(contender: any LeaderContender) async throws {
        state.withLock { $0.contender = contender }
        let continuation = events.continuation
        client.addConnectionListener { continuation.yield(.connection($0)) }
        Task { await loop() }
        continuation.yield(.check)
    }

    public func confirmLeadership(_ information: LeaderInformation) async throws {
        guard let latch = currentLatch, state.withLock({ $0.leading }) == information.sessionID else {
            throw ClusterError("cannot publish the leader's address: this JobManager no longer leads")
        }
        let data = Array(try JSONEncoder().encode(information))
        // Replace whatever a previous leader left (its node is ephemeral too), in one
        // transaction that checks our latch node still exists. The old node may vanish (its
        // session expiring) between the look and the write: look again.
        while true {
            let existing = try await client.retrying { try await client.exists(connectionInfoPath) }
            var ops: [ZooKeeperOperation] = [.check(latch, version: -1)]
            if existing != nil { ops.append(.delete(connectionInfoPath, version: -1)) }
            ops.append(.create(connectionInfoPath, data, .ephemeral))
            do {
                _ = try await client.retrying { try await client.multi(ops) }
                break
            } catch let error as ZooKeeperError where error.path == connectionInfoPath && (error.code == .nodeExists || error.code == .noNode) {
                continue
            }
        }
        logger.info(
            "published leader information for session \(information.sessionID): RPC \(information.rpcHost):\(information.rpcPort), REST \(information.restHost):\(information.restPort)"
        )
    }

    public func stop() async {
        let latch = state.withLock { s -> String? in
            s.stopped = true
            s.leading = nil
            return s.latchNode
        }
        events.continuation.yield(.stop)
        if let latch { try? await client.delete(latch) }
    }

    // MARK: The election loop (one event at a time)

    private func loop() async {
        for await event in events.stream {
            if state.withLock({ $0.stopped }) { return }
            switch event {
            case .check:
                await check()
            case .connection(.suspended):
                let n = state.withLock { s -> Int? in
                    s.suspended = true
                    s.suspensions += 1
                    return s.leading == nil ? nil : s.suspensions
                }
                if let n {
                    logger.warning("ZooKeeper connection suspended; leadership ends in \(suspendedGraceMillis) ms unless it comes back")
                    let grace = suspendedGraceMillis, continuation = events.continuation
                    Task {
                        try? await Task.sleep(for: .milliseconds(grace))
                        continuation.yield(.graceOver(n))
                    }
                }
            case .graceOver(let n):
                let over = state.withLock { $0.suspended && $0.suspensions == n && $0.leading != nil }
                if over { await revoke("the ZooKeeper connection stayed broken for \(suspendedGraceMillis) ms") }
            case .connection(.reconnected):
                state.withLock { $0.suspended = false }
                await check()
            case .connection(.expired):
                state.withLock { s in
                    s.suspended = false
                    s.latchNode = nil
                }
                await revoke("the ZooKeeper session expired")
            case .connection(.connected):
                // A new session (the first, or after expiry): join the latch again.
                state.withLock { s in
                    s.suspended = false
                    s.latchNode = nil
                }
                await check()
            case .stop:
                return
            }
        }
    }

    private func revoke(_ reason: String) async {
        let (contender, session) = state.withLock { s -> ((any LeaderContender)?, String?) in
            defer { s.leading = nil }
            return (s.contender, s.leading)
        }
        guard let session, let contender else { return }
        logger.warning("leadership of session \(session) revoked: \(reason)")
        await contender.revokeLeadership()
    }

    /// Creates our latch node if needed, then leads if it is the lowest, or watches the one
    /// just below it.
    private func check() async {
        guard client.isConnected else { return }
        do {
            var latch = state.withLock { $0.latchNode }
            if latch == nil {
                latch = try await enterLatch()
                state.withLock { $0.latchNode = latch }
            }
            guard let latch else { return }
            let children = try await client.getChildren(latchPath).sorted { Self.sequence($0) < Self.sequence($1) }
            let ours = String(latch.split(separator: "/").last ?? "")
            guard let index = children.firstIndex(of: ours) else {
                // Our node is gone (the session that made it ended): join again.
                state.withLock { $0.latchNode = nil }
                await revoke("its latch node \(latch) is gone")
                events.continuation.yield(.check)
                return
            }
            if index == 0 {
                let grant = state.withLock { s -> ((any LeaderContender)?, String)? in
                    guard s.leading == nil, !s.stopped else { return nil }
                    let session = UUID().uuidString.lowercased()
                    s.leading = session
                    return (s.contender, session)
                }
                if let (contender, session) = grant {
                    logger.info("leadership granted with session \(session) (latch \(latch))")
                    await contender?.grantLeadership(sessionID: session)
                }
                return
            }
            let predecessor = latchPath + "/" + children[index - 1]
            let continuation = events.continuation
            let stat = try await client.exists(predecessor) { _ in continuation.yield(.check) }
            if stat == nil { continuation.yield(.check) }
        } catch {
            logger.warning("leader election: \(error); trying again")
            let continuation = events.continuation
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                continuation.yield(.check)
            }
        }
    }

    /// Creates our ephemeral sequential latch node. The name carries a random id, so after a
    /// connection loss the node a lost answer created is found instead of made twice.
    private func enterLatch() async throws -> String {
        let id = UUID().uuidString.lowercased()
        let prefix = "latch-\(id)-"
        return try await client.retrying {
            do {
                return try await client.create(latchPath + "/" + prefix, mode: .ephemeralSequential)
            } catch let error as ZooKeeperError where error.outcomeUnknown {
                if let existing = try await client.getChildren(latchPath).first(where: { $0.hasPrefix(prefix) }) {
                    return latchPath + "/" + existing
                }
                throw error
            }
        }
    }

    /// The sequence number ZooKeeper appended (the last 10 characters).
    static func sequence(_ name: String) -> Int64 { Int64(name.suffix(10)) ?? .max }
}
