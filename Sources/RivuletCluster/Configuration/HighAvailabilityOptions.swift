// Configuration keys of high availability: ZooKeeper quorum, paths, sessions, shared storage.

import RivuletRuntime

/// Whether JobManagers elect a leader through ZooKeeper.
public enum HighAvailabilityType: String, CaseIterable, Sendable {
    /// One JobManager at `jobmanager.rpc.address`; nothing survives its death.
    case none
    /// JobManagers elect a leader through ZooKeeper and keep job metadata there.
    case zookeeper
}

/// Who may read and change Rivulet's znodes (Flink's `high-availability.zookeeper.client.acl`).
public enum ZooKeeperACLOption: String, CaseIterable, Sendable {
    case open
    case creator
}

/// `high-availability.*` (Flink's HighAvailabilityOptions).
public enum HighAvailabilityOptions: ConfigOptionGroup {
    public static let title = "High availability"

    public static let type = ConfigOption<HighAvailabilityType>.choice(
        "high-availability.type", default: .none,
        "none: a standalone JobManager at jobmanager.rpc.address; zookeeper: JobManagers elect a leader through ZooKeeper and keep job metadata there."
    )
    public static let quorum = ConfigOption<String>.text(
        "high-availability.zookeeper.quorum", default: "127.0.0.1:2181", "ZooKeeper servers, host:port[,host:port...]."
    ) { value in
        let servers = value.split(separator: ",")
        guard !servers.isEmpty else { return "must list at least one host:port" }
        for server in servers {
            let parts = server.split(separator: ":")
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                return "'\(server)' is not host:port"
            }
        }
        return nil
    }
    public static let rootPath = ConfigOption<String>.text(
        "high-availability.zookeeper.path.root", default: "/rivulet", "Root znode of every Rivulet cluster."
    ) { value in
        value.hasPrefix("/") && !value.hasSuffix("/") || value == "/" ? nil : "must be an absolute znode path such as /rivulet"
    }
    public static let clusterID = ConfigOption<String>.text(
        "high-availability.cluster-id", default: "default",
        "Names this cluster's znodes under the root (clusters sharing ZooKeeper need different ids)."
    ) { value in
        value.isEmpty || value.contains("/") ? "must be a non-empty name without '/'" : nil
    }
    public static let storageDirectory = ConfigOption<String>.text(
        "high-availability.storageDir", default: "",
        "Shared directory for job graphs (ZooKeeper holds only pointers); required with high-availability.type: zookeeper.")
    public static let sessionTimeout = ConfigOption<Duration>.duration(
        "high-availability.zookeeper.client.session-timeout", default: "10 s",
        "ZooKeeper session timeout: how long a dead JobManager keeps leadership.")
    public static let connectionTimeout = ConfigOption<Duration>.duration(
        "high-availability.zookeeper.client.connection-timeout", default: "15 s", "How long a process waits for its first ZooKeeper session.")
    public static let suspendedGracePeriod = ConfigOption<Duration>.duration(
        "high-availability.zookeeper.client.suspended-grace-period", default: "3 s",
        "How long a leader whose ZooKeeper connection broke keeps leading while the client reconnects (must stay under a third of the session timeout)."
    )

    public static let acl = ConfigOption<ZooKeeperACLOption>.choice(
        "high-availability.zookeeper.client.acl", default: .open,
        "open: any ZooKeeper client may read and change Rivulet's znodes; creator: only clients with high-availability.zookeeper.client.digest may."
    )
    public static let digest = ConfigOption<String>.text(
        "high-availability.zookeeper.client.digest", default: "",
        "ZooKeeper digest credentials, user:password, that every JobManager and TaskManager presents; required with acl: creator. The RIVULET_ZOOKEEPER_DIGEST environment variable, when set, takes its place (keeps the password out of files)."
    ) { value in
        value.isEmpty || (value.contains(":") && !value.hasPrefix(":") && !value.hasSuffix(":")) ? nil : "must be user:password"
    }

    public static let options = [
        type.erased, quorum.erased, rootPath.erased, clusterID.erased, storageDirectory.erased, sessionTimeout.erased,
        connectionTimeout.erased, suspendedGracePeriod.erased, acl.erased, digest.erased,
    ]
}
