// High availability through ZooKeeper: the session, the cluster's znodes, and the stores a
// leader keeps there (job graphs, job results, checkpoint pointers). ZooKeeper holds
// pointers; the data lives in `high-availability.storageDir`.

import Foundation
import Logging
import RivuletRuntime
import RivuletZooKeeper

/// `high-availability.*` read from the configuration.
public struct HighAvailabilitySettings: Sendable {
    public var quorum: String
    /// `<path.root>/<cluster-id>`: every znode of this cluster is under it.
    public var clusterPath: String
    public var storageDirectory: String
    public var sessionTimeoutMillis: Int
    public var connectionTimeoutMillis: Int
    public var suspendedGraceMillis: Int
    /// The credentials every session presents, and whether created znodes are theirs only.
    public var authentication: ZooKeeperAuthentication?
    public var acl: ZooKeeperACL = .open

    /// The ZooKeeper settings, or nil when `high-availability.type` is `none`. Errors name the key.
    public static func from(
        _ c: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HighAvailabilitySettings? {
        guard c[HighAvailabilityOptions.type] == .zookeeper else { return nil }
        let storage = c[HighAvailabilityOptions.storageDirectory]
        guard !storage.isEmpty else {
            throw ConfigurationError(
                "high-availability.type is zookeeper but high-availability.storageDir is not set; set it to a directory every JobManager shares")
        }
        let root = c[HighAvailabilityOptions.rootPath]
        let session = Int(c[HighAvailabilityOptions.sessionTimeout].milliseconds)
        let grace = Int(c[HighAvailabilityOptions.suspendedGracePeriod].milliseconds)
        guard grace * 3 < session else {
            throw ConfigurationError(
                "high-availability.zookeeper.client.suspended-grace-period (\(grace) ms) must be under a third of high-availability.zookeeper.client.session-timeout (\(session) ms): a leader must give up before its session can expire"
            )
        }
        let digest = environment["RIVULET_ZOOKEEPER_DIGEST"].flatMap { $0.isEmpty ? nil : $0 } ?? c[HighAvailabilityOptions.digest]
        let acl = c[HighAvailabilityOptions.acl]
        if acl == .creator && digest.isEmpty {
            throw ConfigurationError(
                "high-availability.zookeeper.client.acl is creator but no credentials are set: set high-availability.zookeeper.client.digest (user:password) or RIVULET_ZOOKEEPER_DIGEST"
            )
        }
        guard digest.isEmpty || (digest.contains(":") && !digest.hasPrefix(":") && !digest.hasSuffix(":")) else {
            throw ConfigurationError("RIVULET_ZOOKEEPER_DIGEST must be user:password")
        }
        var settings = HighAvailabilitySettings(
            quorum: c[HighAvailabilityOptions.quorum],
            clusterPath: (root == "/" ? "" : root) + "/" + c[HighAvailabilityOptions.clusterID],
            storageDirectory: storage, sessionTimeoutMillis: session,
            connectionTimeoutMillis: Int(c[HighAvailabilityOptions.connectionTimeout].milliseconds),
            suspendedGraceMillis: grace)
        settings.authentication = digest.isEmpty ? nil : .digest(digest)
        settings.acl = acl == .creator ? .creatorOnly : .open
        return settings
    }

    /// The hosts of the quorum's `host:port` entries (a chroot path after them ignored).
    var quorumHosts: [String] {
        let servers = quorum.split(separator: "/", maxSplits: 1).first.map(String.init) ?? quorum
        return servers.split(separator: ",").map { entry in
            let server = entry.trimmingCharacters(in: .whitespaces)
            if server.hasPrefix("["), let close = server.firstIndex(of: "]") {
                return String(server[server.index(after: server.startIndex)..<close])
            }
            // host:port, or an unbracketed IPv6 literal (several colons) or a bare host.
            let colons = server.filter { $0 == ":" }.count
            return colons == 1 ? String(server.split(separator: ":")[0]) : server
        }
    }

    /// The leader latch's parent znode.
    var latchPath: String { clusterPath + "/leader/latch" }
    /// The znode the leader publishes its address and session in.
    var connectionInfoPath: String { clusterPath + "/leader/connection_info" }

    /// A client for the quorum with these timeouts (not started).
    func makeClient() -> ZooKeeperClient {
        ZooKeeperClient(
            connectString: quorum, sessionTimeoutMillis: sessionTimeoutMillis, connectionTimeoutMillis: connectionTimeoutMillis,
            authentication: authentication, acl: acl)
    }
}

/// The cluster's ZooKeeper session and znodes (DESIGN.md section 6).
public final class ZooKeeperHAServices: HighAvailabilityServices {
    public let settings: HighAvailabilitySettings
    public let client: ZooKeeperClient
    let logger: Logger
    public let election: ZooKeeperLeaderElection

    var jobGraphsPath: String { settings.clusterPath + "/jobgraphs" }
    var jobResultsPath: String { settings.clusterPath + "/job-results" }
    func jobPath(_ jobID: String) -> String { settings.clusterPath + "/jobs/" + jobID }
    func checkpointsPath(_ jobID: String) -> String { jobPath(jobID) + "/checkpoints" }
    func counterPath(_ jobID: String) -> String { jobPath(jobID) + "/checkpoint_id_counter" }
    var jobGraphDirectory: String {
        settings.storageDirectory + "/" + (settings.clusterPath.split(separator: "/").last.map(String.init) ?? "default") + "/jobgraphs"
    }

    /// Connects to ZooKeeper and creates the cluster's znodes.
    public static func connect(_ settings: HighAvailabilitySettings, logger: Logger) async throws -> ZooKeeperHAServices {
        // The C client resolves the servers' names itself, and one it cannot resolve fails
        // the whole session: name it here instead.
        for host in settings.quorumHosts {
            _ = try ConfiguredHost(host).resolved(key: HighAvailabilityOptions.quorum.key)
        }
        let client = settings.makeClient()
        try await client.start()
        let services = ZooKeeperHAServices(settings: settings, client: client, logger: logger)
        for path in [settings.latchPath, services.jobGraphsPath, services.jobResultsPath, settings.clusterPath + "/jobs"] {
            try await client.retrying { try await client.ensurePath(path) }
        }
        return services
    }

    init(settings: HighAvailabilitySettings, client: ZooKeeperClient, logger: Logger) {
        self.settings = settings
        self.client = client
        self.logger = logger
        election = ZooKeeperLeaderElection(
            client: client, latchPath: settings.latchPath,
            connectionInfoPath: settings.connectionInfoPath,
            suspendedGraceMillis: settings.suspendedGraceMillis, logger: logger)
    }

    package var leaderElection: any LeaderElectionService { election }
    package var jobsOutliveLeader: Bool { true }

    /// A leader retrieval that follows `leader/connection_info`.
    public func leaderRetrieval() async -> ZooKeeperLeaderRetrieval {
        let retrieval = ZooKeeperLeaderRetrieval(client: client, connectionInfoPath: settings.connectionInfoPath, logger: logger)
        await retrieval.start()
        return retrieval
    }

    public func close() {
        client.close()
    }

    // MARK: Guarded writes

    /// Applies `operations` only while this process holds the leader latch (the transaction
    /// checks the latch node). Retries through connection loss for up to the session timeout.
    func guarded(_ operations: [ZooKeeperOperation]) async throws -> [ZooKeeperOperationResult] {
        guard let latch = election.currentLatch else {
            throw CheckpointStoreError("this JobManager does not lead (no leader latch)", outcomeUnknown: false)
        }
        do {
            let results = try await client.retrying { try await client.multi([.check(latch, version: -1)] + operations) }
            return Array(results.dropFirst())
        } catch let error as ZooKeeperError where error.path == latch && error.code == .noNode {
            throw CheckpointStoreError("this JobManager lost leadership (its latch \(latch) is gone)", outcomeUnknown: false)
        } catch let error as ZooKeeperError where error.outcomeUnknown {
            throw CheckpointStoreError("\(error)", outcomeUnknown: true)
        }
    }

    // MARK: JobGraphStore

    /// Stores the job in the HA storage directory and points `jobgraphs/<jobID>` at it.
    package func putJobGraph(_ job: StoredJob) async throws {
        let path = jobGraphDirectory + "/" + job.jobID + ".json"
        do {
            try FileManager.default.createDirectory(atPath: jobGraphDirectory, withIntermediateDirectories: true)
            try JSONEncoder().encode(job).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ClusterError("cannot write the job graph of \(job.jobID) to \(path) (high-availability.storageDir): \(error)")
        }
        do {
            _ = try await guarded([.create(jobGraphsPath + "/" + job.jobID, Array(path.utf8), .persistent)])
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            return
        }
    }

    /// The ids of every stored job.
    package func jobGraphIDs() async throws -> [String] {
        try await client.retrying { try await client.getChildren(jobGraphsPath) }
    }

    /// The stored job `jobID`, read through its pointer.
    package func jobGraph(_ jobID: String) async throws -> StoredJob {
        let pointer = try await client.retrying { try await client.get(jobGraphsPath + "/" + jobID) }
        let path = String(decoding: pointer.data, as: UTF8.self)
        do {
            return try JSONDecoder().decode(StoredJob.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ClusterError("cannot read the job graph of \(jobID) from \(path): \(error)")
        }
    }

    /// Removes the job's pointer, then its file.
    package func removeJobGraph(_ jobID: String) async throws {
        do {
            _ = try await guarded([.delete(jobGraphsPath + "/" + jobID, version: -1)])
        } catch let error as ZooKeeperError where error.code == .noNode {}
        try? FileManager.default.removeItem(atPath: jobGraphDirectory + "/" + jobID + ".json")
    }

    // MARK: JobResultStore

    package func putJobResult(_ result: JobResult) async throws {
        let data = try JSONEncoder().encode(result)
        do {
            _ = try await guarded([.create(jobResultsPath + "/" + result.jobID, Array(data), .persistent)])
        } catch let error as ZooKeeperError where error.code == .nodeExists {}
    }

    package func jobResult(_ jobID: String) async throws -> JobResult? {
        do {
            let node = try await client.retrying { try await client.get(jobResultsPath + "/" + jobID) }
            return try JSONDecoder().decode(JobResult.self, from: Data(node.data))
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    /// Every result under the results node (one removed meanwhile is skipped), oldest end first.
    package func jobResults() async throws -> [JobResult] {
        var results: [JobResult] = []
        for jobID in try await client.retrying({ try await client.getChildren(jobResultsPath) }) {
            // One result this binary cannot read (written by another version) must not keep a
            // leader from leading: it is left out of the list.
            do {
                if let result = try await jobResult(jobID) { results.append(result) }
            } catch is DecodingError {
                logger.warning("the job result of \(jobID) in ZooKeeper cannot be read; it is not listed")
            }
        }
        return results.sorted { $0.endTime < $1.endTime }
    }

    package func removeJobResult(_ jobID: String) async throws {
        do {
            _ = try await guarded([.delete(jobResultsPath + "/" + jobID, version: -1)])
        } catch let error as ZooKeeperError where error.code == .noNode {}
    }

    // MARK: Checkpoints

    /// Creates the job's checkpoint id counter at `start` unless it exists.
    package func initializeCheckpointCounter(_ jobID: String, start: Int64) async throws {
        do {
            _ = try await guarded([
                .create(jobPath(jobID), [], .persistent),
                .create(checkpointsPath(jobID), [], .persistent),
                .create(counterPath(jobID), Array(String(start).utf8), .persistent),
            ])
        } catch let error as ZooKeeperError where error.code == .nodeExists {}
    }

    /// The job's completed checkpoints in ZooKeeper: id and directory, oldest first.
    package func checkpointPointers(_ jobID: String) async throws -> [(id: Int64, directory: String)] {
        let names: [String]
        do {
            names = try await client.retrying { try await client.getChildren(checkpointsPath(jobID)) }
        } catch let error as ZooKeeperError where error.code == .noNode {
            return []
        }
        var pointers: [(Int64, String)] = []
        for name in names {
            guard let id = Int64(name) else { continue }
            do {
                let node = try await client.retrying { try await client.get(checkpointsPath(jobID) + "/" + name) }
                pointers.append((id, String(decoding: node.data, as: UTF8.self)))
            } catch let error as ZooKeeperError where error.code == .noNode {
                continue
            }
        }
        return pointers.sorted { $0.0 < $1.0 }
    }

    /// Removes the pointer to checkpoint `id` of the job (gone already is fine).
    package func removeCheckpointPointer(_ jobID: String, _ id: Int64) async throws {
        do {
            _ = try await guarded([.delete(checkpointsPath(jobID) + "/" + Self.checkpointNodeName(id), version: -1)])
        } catch let error as ZooKeeperError where error.code == .noNode {}
    }

    /// Removes the job's checkpoint pointers and counter (the job reached a terminal state).
    package func removeJobData(_ jobID: String) async throws {
        guard election.currentLatch != nil else { return }
        try await client.deleteRecursively(jobPath(jobID))
    }

    /// The per-job store the checkpoint coordinator records into.
    package func checkpointRecoveryStore(jobID: String) -> (any CheckpointRecoveryStore)? {
        ZooKeeperCheckpointRecoveryStore(services: self, jobID: jobID)
    }

    static func checkpointNodeName(_ id: Int64) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }
}
