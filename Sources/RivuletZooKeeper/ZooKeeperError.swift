// Errors of the ZooKeeper client, named after the C client's codes.

import CZooKeeper

/// A ZooKeeper call failed: `code` is the C client's return code, `path` the node involved.
public struct ZooKeeperError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        case noNode, nodeExists, badVersion, notEmpty, noChildrenForEphemerals
        case connectionLoss, operationTimeout, sessionExpired, closing, invalidState
        /// The node's ACL does not grant this client's identity the operation.
        case noAuth
        /// The ACL given to a create is not valid (a creator-only ACL without credentials).
        case invalidACL
        case other(Int32)

        init(_ rc: Int32) {
            switch rc {
            case -101: self = .noNode
            case -110: self = .nodeExists
            case -103: self = .badVersion
            case -111: self = .notEmpty
            case -108: self = .noChildrenForEphemerals
            case -4: self = .connectionLoss
            case -7: self = .operationTimeout
            case -112: self = .sessionExpired
            case -116: self = .closing
            case -9: self = .invalidState
            case -102: self = .noAuth
            case -114: self = .invalidACL
            default: self = .other(rc)
            }
        }
    }

    public let code: Code
    public let rc: Int32
    public let path: String?
    public let operation: String

    init(rc: Int32, operation: String, path: String?) {
        self.code = Code(rc)
        self.rc = rc
        self.operation = operation
        self.path = path
    }

    public init(_ code: Code, operation: String, path: String?, rc: Int32 = 0) {
        self.code = code
        self.rc = rc
        self.operation = operation
        self.path = path
    }

    /// The connection broke or timed out: the call may be tried again on this session.
    public var isRetryable: Bool { code == .connectionLoss || code == .operationTimeout }

    /// Whether a write happened is unknown: it may have been applied before the connection broke.
    public var outcomeUnknown: Bool { isRetryable }

    public var description: String {
        let reason: String
        switch code {
        case .noNode: reason = "the node does not exist"
        case .nodeExists: reason = "the node already exists"
        case .badVersion: reason = "the node's version changed (a concurrent write)"
        case .notEmpty: reason = "the node has children"
        case .noChildrenForEphemerals: reason = "ephemeral nodes cannot have children"
        case .connectionLoss: reason = "the connection to ZooKeeper was lost"
        case .operationTimeout: reason = "ZooKeeper did not answer in time"
        case .sessionExpired: reason = "the ZooKeeper session expired"
        case .closing: reason = "the client is closing"
        case .invalidState: reason = "the session is not usable (expired or closed)"
        case .noAuth: reason = "the node's ACL does not allow this client (wrong or missing credentials)"
        case .invalidACL: reason = "the ACL is not valid (a creator-only ACL needs credentials: high-availability.zookeeper.client.digest)"
        case .other: reason = String(cString: zerror(rc))
        }
        return "ZooKeeper \(operation)\(path.map { " of \($0)" } ?? "") failed: \(reason)"
    }
}
