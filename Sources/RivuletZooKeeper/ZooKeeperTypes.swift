// Values of the ZooKeeper client API: node modes, node metadata, events and multi-op steps.

/// How a node is created.
public enum CreateMode: Sendable {
    case persistent
    /// Removed by the server when the creating session ends.
    case ephemeral
    /// The server appends a 10-digit, monotonically increasing counter to the name.
    case persistentSequential
    case ephemeralSequential
}

/// A node's metadata (ZooKeeper's `Stat`).
public struct ZooKeeperStat: Sendable, Equatable {
    /// Data version: the number of changes to the node's data.
    public var version: Int32
    /// Child version: the number of changes to the node's children.
    public var childVersion: Int32
    /// The owning session of an ephemeral node; 0 for a persistent one.
    public var ephemeralOwner: Int64
    public var dataLength: Int32
    public var numChildren: Int32
    /// Creation and last modification time, milliseconds since the epoch.
    public var createdMillis: Int64
    public var modifiedMillis: Int64
    /// The transaction id that created the node.
    public var createdZxid: Int64
}

/// The session's state as the client's users see it (Curator's connection states).
public enum ZooKeeperConnectionEvent: Sendable, Equatable {
    /// A session was established (the first, or a new one after `expired`).
    case connected
    /// The connection to the ensemble broke; the session may still be alive on the servers.
    case suspended
    /// The connection came back within the session timeout: ephemeral nodes and watches survive.
    case reconnected
    /// The session ended on the servers: its ephemeral nodes are gone. The client opens a new
    /// session and reports `connected` when it is established.
    case expired
}

/// A change a watch reports. Watches fire once; read again (with a new watch) to follow on.
public enum ZooKeeperWatchEvent: Sendable, Hashable {
    case created(String)
    case deleted(String)
    case dataChanged(String)
    case childrenChanged(String)
    /// The session expired: every watch is gone and must be set again on the new session.
    case sessionExpired
}

/// One step of an atomic multi-op transaction: every step is applied, or none.
public enum ZooKeeperOperation: Sendable {
    case create(String, [UInt8], CreateMode)
    /// Deletes the node if its data version is `version` (-1: any version).
    case delete(String, version: Int32)
    /// Sets the data if the node's version is `version` (-1: any version).
    case setData(String, [UInt8], version: Int32)
    /// Fails the transaction unless the node exists with data version `version` (-1: any).
    case check(String, version: Int32)

    public var path: String {
        switch self {
        case .create(let p, _, _), .delete(let p, _), .setData(let p, _, _), .check(let p, _): return p
        }
    }
}

/// What one step of a multi-op transaction returned.
public enum ZooKeeperOperationResult: Sendable, Equatable {
    /// The path the server created (with its sequence suffix for sequential nodes).
    case created(String)
    case deleted
    case set(ZooKeeperStat)
    case checked
}

/// Credentials a client presents on every session (ZooKeeper's `addAuthInfo`): `digest` with
/// `user:password`.
public struct ZooKeeperAuthentication: Sendable, Equatable {
    public var scheme: String
    public var credentials: String

    public init(scheme: String, credentials: String) {
        self.scheme = scheme
        self.credentials = credentials
    }

    /// `digest` authentication as `user:password`.
    public static func digest(_ userAndPassword: String) -> ZooKeeperAuthentication {
        ZooKeeperAuthentication(scheme: "digest", credentials: userAndPassword)
    }
}

/// The ACL of the nodes a client creates.
public enum ZooKeeperACL: Sendable, Equatable {
    /// Anyone may read and change them (ZooKeeper's OPEN_ACL_UNSAFE).
    case open
    /// Only clients with the creator's credentials may read or change them (CREATOR_ALL_ACL).
    case creatorOnly
}
