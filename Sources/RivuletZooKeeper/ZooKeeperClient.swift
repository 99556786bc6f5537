// An async Swift client over ZooKeeper's multi-threaded C library: sessions, connection
// events, watches, retries, multi-op transactions, ephemeral and sequential nodes.

import CZooKeeper
import Foundation
import Synchronization

/// A ZooKeeper session that renews itself: when the servers expire it, the client reports
/// `expired` and opens a new session (reported as `connected`).
///
/// Every call is asynchronous and never blocks a thread: requests go to the C client's I/O
/// thread and complete on its completion thread. Connection events and watch handlers also
/// run on that thread; they must return quickly (hop to a task for real work).
public final class ZooKeeperClient: Sendable {
    /// `host:port,host:port,...` of the ensemble.
    public let connectString: String
    /// The session timeout asked from the servers (they clamp it to their min/max).
    public let sessionTimeoutMillis: Int
    /// How long `start()` waits for the first session.
    public let connectionTimeoutMillis: Int
    /// Who this client is to the servers, added to every session it opens.
    public let authentication: ZooKeeperAuthentication?
    /// The ACL of the nodes it creates.
    public let acl: ZooKeeperACL

    /// The C handle and the watcher context it holds.
    struct Handle: @unchecked Sendable {
        // Safe to share: the multi-threaded C client is thread-safe, and the pointer is used
        // only under `handle`'s lock and closed (once) after it is taken out of that lock.
        let pointer: OpaquePointer
        let context: Unmanaged<WatcherContext>
    }

    struct State {
        var generation = 0
        var connected = false
        var suspended = false
        var closed = false
        var sessionID: Int64 = 0
        var nextToken: UInt64 = 0
        var listeners: [@Sendable (ZooKeeperConnectionEvent) -> Void] = []
        var dataWatches: [String: [UInt64: @Sendable (ZooKeeperWatchEvent) -> Void]] = [:]
        var childWatches: [String: [UInt64: @Sendable (ZooKeeperWatchEvent) -> Void]] = [:]
    }

    private let handle = Mutex<Handle?>(nil)
    private let state = Mutex(State())

    private static let quietLibrary: Void = { zoo_set_debug_level(ZOO_LOG_LEVEL_WARN) }()

    public init(
        connectString: String, sessionTimeoutMillis: Int, connectionTimeoutMillis: Int,
        authentication: ZooKeeperAuthentication? = nil, acl: ZooKeeperACL = .open
    ) {
        self.connectString = connectString
        self.sessionTimeoutMillis = sessionTimeoutMillis
        self.connectionTimeoutMillis = connectionTimeoutMillis
        self.authentication = authentication
        self.acl = acl
    }

    /// The C ACL of created nodes.
    var aclVector: UnsafeMutablePointer<ACL_vector> {
        switch acl {
        case .open: rivulet_zoo_open_acl_unsafe()
        case .creatorOnly: rivulet_zoo_creator_all_acl()
        }
    }

    deinit {
        if let h = handle.withLock({ $0 }) {
            zookeeper_close(h.pointer)
            h.context.release()
        }
    }

    // MARK: Session

    /// Opens the session and waits until it is established, at most `connectionTimeoutMillis`.
    public func start() async throws {
        _ = Self.quietLibrary
        try openHandle()
        let deadline = ContinuousClock.now + .milliseconds(connectionTimeoutMillis)
        while !isConnected {
            if ContinuousClock.now >= deadline {
                close()
                throw ZooKeeperError(
                    .connectionLoss,
                    operation:
                        "connect to \(connectString) within \(connectionTimeoutMillis) ms (high-availability.zookeeper.client.connection-timeout)",
                    path: nil)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// True while a session is established and the connection is up.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// The current session's id (0 before the first session).
    public var sessionID: Int64 { state.withLock { $0.sessionID } }

    /// Ends the session (its ephemeral nodes go at once) and stops the client's threads.
    public func close() {
        state.withLock {
            $0.closed = true; $0.connected = false
        }
        let h = handle.withLock { h -> Handle? in
            defer { h = nil }; return h
        }
        if let h {
            zookeeper_close(h.pointer)
            h.context.release()
        }
    }

    /// Calls `listener` on every connection event for the life of the client.
    public func addConnectionListener(_ listener: @escaping @Sendable (ZooKeeperConnectionEvent) -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }

    private func openHandle() throws {
        let generation = state.withLock { s -> Int in
            s.generation += 1
            return s.generation
        }
        let context = Unmanaged.passRetained(WatcherContext(generation: generation, client: self))
        let pointer = zookeeper_init(
            connectString,
            { _, type, state, path, context in
                guard let context else { return }
                let c = Unmanaged<WatcherContext>.fromOpaque(context).takeUnretainedValue()
                c.client.handleEvent(generation: c.generation, type: type, state: state, path: path.map { String(cString: $0) } ?? "")
            }, Int32(sessionTimeoutMillis), nil, context.toOpaque(), 0)
        guard let pointer else {
            context.release()
            throw ZooKeeperError(.other(-1), operation: "open a session with \(connectString) (\(String(cString: strerror(errno))))", path: nil)
        }
        // Credentials go first on the connection: the server applies them before any request.
        if let authentication {
            let rc = authentication.credentials.withCString { credentials in
                zoo_add_auth(pointer, authentication.scheme, credentials, Int32(strlen(credentials)), nil, nil)
            }
            guard rc == 0 else {
                zookeeper_close(pointer)
                context.release()
                throw ZooKeeperError(rc: rc, operation: "add \(authentication.scheme) credentials", path: nil)
            }
        }
        handle.withLock { $0 = Handle(pointer: pointer, context: context) }
    }

    /// Events of the C client's watcher, on its completion thread.
    fileprivate func handleEvent(generation: Int, type: Int32, state sessionState: Int32, path: String) {
        if type == rivulet_zoo_session_event() {
            var event: ZooKeeperConnectionEvent?
            var expiredWatches: [@Sendable (ZooKeeperWatchEvent) -> Void] = []
            let listeners = state.withLock { s -> [@Sendable (ZooKeeperConnectionEvent) -> Void] in
                guard s.generation == generation, !s.closed else { return [] }
                if sessionState == rivulet_zoo_connected_state() {
                    event = s.suspended ? .reconnected : .connected
                    s.connected = true
                    s.suspended = false
                    s.sessionID = handle.withLock { $0.map { zoo_client_id($0.pointer).pointee.client_id } } ?? 0
                } else if sessionState == rivulet_zoo_expired_session_state() || sessionState == rivulet_zoo_auth_failed_state() {
                    event = .expired
                    s.connected = false
                    s.suspended = false
                    expiredWatches = s.dataWatches.values.flatMap(\.values) + s.childWatches.values.flatMap(\.values)
                    s.dataWatches = [:]
                    s.childWatches = [:]
                } else if s.connected {
                    // Connecting or associating again: the connection broke.
                    event = .suspended
                    s.connected = false
                    s.suspended = true
                }
                return s.listeners
            }
            guard let event else { return }
            for watch in expiredWatches { watch(.sessionExpired) }
            for listener in listeners { listener(event) }
            if event == .expired {
                // A new session, off the completion thread (closing the old handle joins it).
                let thread = Thread { [self] in self.renewSession(expired: generation) }
                thread.start()
            }
            return
        }
        let event: ZooKeeperWatchEvent
        var data = false, children = false
        switch type {
        case rivulet_zoo_created_event(): event = .created(path); data = true
        case rivulet_zoo_deleted_event(): event = .deleted(path); data = true; children = true
        case rivulet_zoo_changed_event(): event = .dataChanged(path); data = true
        case rivulet_zoo_child_event(): event = .childrenChanged(path); children = true
        default: return
        }
        let handlers = state.withLock { s -> [@Sendable (ZooKeeperWatchEvent) -> Void] in
            guard s.generation == generation else { return [] }
            var h: [@Sendable (ZooKeeperWatchEvent) -> Void] = []
            if data, let w = s.dataWatches.removeValue(forKey: path) { h += w.values }
            if children, let w = s.childWatches.removeValue(forKey: path) { h += w.values }
            return h
        }
        for handler in handlers { handler(event) }
    }

    private func renewSession(expired generation: Int) {
        let current = state.withLock { $0.generation == generation && !$0.closed }
        guard current else { return }
        let old = handle.withLock { h -> Handle? in
            defer { h = nil }; return h
        }
        if let old {
            zookeeper_close(old.pointer)
            old.context.release()
        }
        var delay = 50
        while state.withLock({ !$0.closed && $0.generation == generation }) {
            do {
                try openHandle()
                return
            } catch {
                Thread.sleep(forTimeInterval: Double(delay) / 1000)
                delay = min(delay * 2, 2000)
            }
        }
    }

    /// Ends this client's session from a second connection, as the servers would when it
    /// timed out: the client then sees `expired` and opens a new session (Curator's
    /// KillSession, for tests of expiry handling).
    func expireSessionFromAnotherConnection() async throws {
        guard var id = handle.withLock({ $0.map { zoo_client_id($0.pointer).pointee } }) else {
            throw ZooKeeperError(.invalidState, operation: "expire the session", path: nil)
        }
        guard let other = zookeeper_init(connectString, nil, Int32(sessionTimeoutMillis), &id, nil, 0) else {
            throw ZooKeeperError(.other(-1), operation: "open a second connection", path: nil)
        }
        let deadline = ContinuousClock.now + .milliseconds(connectionTimeoutMillis)
        while zoo_state(other) != rivulet_zoo_connected_state() && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        zookeeper_close(other)
    }

    // MARK: Watches

    private func addWatch(_ path: String, children: Bool, _ handler: @escaping @Sendable (ZooKeeperWatchEvent) -> Void) -> UInt64 {
        state.withLock { s in
            s.nextToken += 1
            if children {
                s.childWatches[path, default: [:]][s.nextToken] = handler
            } else {
                s.dataWatches[path, default: [:]][s.nextToken] = handler
            }
            return s.nextToken
        }
    }

    private func removeWatch(_ path: String, children: Bool, _ token: UInt64) {
        state.withLock { s in
            if children { s.childWatches[path]?[token] = nil } else { s.dataWatches[path]?[token] = nil }
        }
    }

    // MARK: Calls

    /// Starts one C call with a retained result box as its completion data.
    private func submit<T: Sendable>(
        _ operation: String, path: String?,
        _ start: (OpaquePointer, UnsafeRawPointer) -> Int32
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let box = Unmanaged.passRetained(ResultBox(continuation, operation: operation, path: path))
            let rc: Int32 = handle.withLock { h in
                guard let h else { return ZCONNECTIONLOSS.rawValue }
                return start(h.pointer, UnsafeRawPointer(box.toOpaque()))
            }
            if rc != 0 {
                box.release()
                continuation.resume(throwing: ZooKeeperError(rc: rc, operation: operation, path: path))
            }
        }
    }

    /// Creates a node; returns its path (with the sequence suffix for sequential modes).
    @discardableResult
    public func create(_ path: String, data: [UInt8] = [], mode: CreateMode = .persistent) async throws -> String {
        try await submit("create", path: path) { zh, box in
            data.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    zoo_acreate(
                        zh, path, chars.baseAddress, Int32(data.count), aclVector, mode.flags,
                        { rc, value, box in
                            let result = Unmanaged<ResultBox<String>>.fromOpaque(box!).takeRetainedValue()
                            if rc == 0 { result.succeed(value.map { String(cString: $0) } ?? "") } else { result.fail(rc) }
                        }, box)
                }
            }
        }
    }

    /// Creates `path` and its missing ancestors as persistent nodes; an existing node is fine.
    public func ensurePath(_ path: String) async throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            do {
                try await create(current)
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                continue
            }
        }
    }

    /// The node's data and metadata. `watch` is called once when the node changes or is deleted.
    public func get(_ path: String, watch: (@Sendable (ZooKeeperWatchEvent) -> Void)? = nil) async throws -> (data: [UInt8], stat: ZooKeeperStat) {
        let token = watch.map { addWatch(path, children: false, $0) }
        do {
            let node: NodeData = try await submit("get", path: path) { zh, box in
                zoo_aget(
                    zh, path, token == nil ? 0 : 1,
                    { rc, value, length, stat, box in
                        let result = Unmanaged<ResultBox<NodeData>>.fromOpaque(box!).takeRetainedValue()
                        guard rc == 0, let stat else { return result.fail(rc) }
                        var bytes: [UInt8] = []
                        if let value, length > 0 {
                            bytes = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(value), count: Int(length)))
                        }
                        result.succeed(NodeData(data: bytes, stat: ZooKeeperStat(stat.pointee)))
                    }, box)
            }
            return (node.data, node.stat)
        } catch {
            if let token { removeWatch(path, children: false, token) }
            throw error
        }
    }

    /// The node's metadata, or nil if it does not exist. `watch` fires once when the node is
    /// created, changed or deleted (also when it did not exist).
    public func exists(_ path: String, watch: (@Sendable (ZooKeeperWatchEvent) -> Void)? = nil) async throws -> ZooKeeperStat? {
        let token = watch.map { addWatch(path, children: false, $0) }
        do {
            let stat: OptionalStat = try await submit("exists", path: path) { zh, box in
                zoo_aexists(
                    zh, path, token == nil ? 0 : 1,
                    { rc, stat, box in
                        let result = Unmanaged<ResultBox<OptionalStat>>.fromOpaque(box!).takeRetainedValue()
                        if rc == ZNONODE.rawValue { return result.succeed(OptionalStat(stat: nil)) }
                        guard rc == 0, let stat else { return result.fail(rc) }
                        result.succeed(OptionalStat(stat: ZooKeeperStat(stat.pointee)))
                    }, box)
            }
            return stat.stat
        } catch {
            if let token { removeWatch(path, children: false, token) }
            throw error
        }
    }

    /// Sets the node's data if its version is `version` (-1: any); returns the new metadata.
    @discardableResult
    public func setData(_ path: String, data: [UInt8], version: Int32 = -1) async throws -> ZooKeeperStat {
        try await submit("set", path: path) { zh, box in
            data.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { chars in
                    zoo_aset(
                        zh, path, chars.baseAddress, Int32(data.count), version,
                        { rc, stat, box in
                            let result = Unmanaged<ResultBox<ZooKeeperStat>>.fromOpaque(box!).takeRetainedValue()
                            guard rc == 0, let stat else { return result.fail(rc) }
                            result.succeed(ZooKeeperStat(stat.pointee))
                        }, box)
                }
            }
        }
    }

    /// Deletes the node if its version is `version` (-1: any).
    public func delete(_ path: String, version: Int32 = -1) async throws {
        let _: Done = try await submit("delete", path: path) { zh, box in
            zoo_adelete(
                zh, path, version,
                { rc, box in
                    let result = Unmanaged<ResultBox<Done>>.fromOpaque(box!).takeRetainedValue()
                    if rc == 0 { result.succeed(Done()) } else { result.fail(rc) }
                }, box)
        }
    }

    /// Deletes the node and everything under it; a missing node is fine.
    public func deleteRecursively(_ path: String) async throws {
        let children: [String]
        do {
            children = try await getChildren(path)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return
        }
        for child in children { try await deleteRecursively(path + "/" + child) }
        do {
            try await delete(path)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return
        }
    }

    /// The names of the node's children, unordered. `watch` fires once when a child is added
    /// or removed, or the node is deleted.
    public func getChildren(_ path: String, watch: (@Sendable (ZooKeeperWatchEvent) -> Void)? = nil) async throws -> [String] {
        let token = watch.map { addWatch(path, children: true, $0) }
        do {
            return try await submit("get children", path: path) { zh, box in
                zoo_aget_children(
                    zh, path, token == nil ? 0 : 1,
                    { rc, strings, box in
                        let result = Unmanaged<ResultBox<[String]>>.fromOpaque(box!).takeRetainedValue()
                        guard rc == 0 else { return result.fail(rc) }
                        var names: [String] = []
                        if let vector = strings?.pointee, let data = vector.data {
                            for i in 0..<Int(vector.count) {
                                if let name = data[i] { names.append(String(cString: name)) }
                            }
                        }
                        result.succeed(names)
                    }, box)
            }
        } catch {
            if let token { removeWatch(path, children: true, token) }
            throw error
        }
    }

    /// Applies every operation atomically, or none. A failed transaction throws the error of
    /// the first operation that failed, naming its path.
    public func multi(_ operations: [ZooKeeperOperation]) async throws -> [ZooKeeperOperationResult] {
        guard !operations.isEmpty else { return [] }
        let request = MultiRequest(operations, acl: aclVector)
        // The transaction's code; the per-operation codes are read from the request's buffers.
        let rc: Int32 = try await submit("transaction", path: operations.first?.path) { zh, box in
            zoo_amulti(
                zh, Int32(operations.count), request.ops, request.results,
                { rc, box in
                    Unmanaged<ResultBox<Int32>>.fromOpaque(box!).takeRetainedValue().succeed(rc)
                }, box)
        }
        var results: [ZooKeeperOperationResult] = []
        for (i, operation) in operations.enumerated() {
            let r = request.results[i]
            if rc != 0 {
                if r.err != 0 && r.err != ZRUNTIMEINCONSISTENCY.rawValue {
                    throw ZooKeeperError(rc: r.err, operation: "transaction step \(i + 1)", path: operation.path)
                }
                continue
            }
            switch operation {
            case .create: results.append(.created(request.createdPath(i)))
            case .delete: results.append(.deleted)
            case .setData: results.append(.set(ZooKeeperStat(request.stats[i])))
            case .check: results.append(.checked)
            }
        }
        if rc != 0 { throw ZooKeeperError(rc: rc, operation: "transaction", path: operations.first?.path) }
        return results
    }

    /// Runs `body` again while it fails with a retryable error (connection loss, timeout),
    /// backing off from 20 ms to 1 s, for at most `millis` (the session timeout by default).
    public func retrying<T: Sendable>(for millis: Int? = nil, _ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + .milliseconds(millis ?? sessionTimeoutMillis)
        var delay = 20
        while true {
            do {
                return try await body()
            } catch let error as ZooKeeperError where error.isRetryable && ContinuousClock.now < deadline && !state.withLock({ $0.closed }) {
                try await Task.sleep(for: .milliseconds(delay))
                delay = min(delay * 2, 1000)
            }
        }
    }
}

/// What the C watcher callback gets as its context.
final class WatcherContext: Sendable {
    let generation: Int
    let client: ZooKeeperClient
    init(generation: Int, client: ZooKeeperClient) {
        self.generation = generation
        self.client = client
    }
}

/// The continuation of one call, passed through the C client as completion data.
final class ResultBox<T: Sendable>: Sendable {
    let continuation: CheckedContinuation<T, any Error>
    let operation: String
    let path: String?
    init(_ continuation: CheckedContinuation<T, any Error>, operation: String, path: String?) {
        self.continuation = continuation
        self.operation = operation
        self.path = path
    }
    func succeed(_ value: T) { continuation.resume(returning: value) }
    func fail(_ rc: Int32) { continuation.resume(throwing: ZooKeeperError(rc: rc, operation: operation, path: path)) }
}

struct NodeData: Sendable {
    let data: [UInt8]
    let stat: ZooKeeperStat
}

struct OptionalStat: Sendable {
    let stat: ZooKeeperStat?
}

struct Done: Sendable {}

/// The C buffers of one multi-op call: they must live until its completion, which writes the
/// results, created paths and stats into them.
final class MultiRequest: @unchecked Sendable {
    // Safe to share: written by the caller before the call and by the C client's completion
    // thread before the continuation resumes; read by the caller only after it resumed.
    let ops: UnsafeMutablePointer<zoo_op_t>
    let results: UnsafeMutablePointer<zoo_op_result_t>
    let stats: UnsafeMutablePointer<Stat>
    let pathBuffers: [UnsafeMutablePointer<CChar>]
    var strings: [UnsafeMutablePointer<CChar>] = []
    static let pathBufferSize = 1024

    init(_ operations: [ZooKeeperOperation], acl: UnsafeMutablePointer<ACL_vector>) {
        let n = operations.count
        ops = .allocate(capacity: n)
        results = .allocate(capacity: n)
        results.initialize(repeating: zoo_op_result_t(), count: n)
        stats = .allocate(capacity: n)
        stats.initialize(repeating: Stat(), count: n)
        pathBuffers = (0..<n).map { _ in
            let b = UnsafeMutablePointer<CChar>.allocate(capacity: Self.pathBufferSize)
            b.initialize(repeating: 0, count: Self.pathBufferSize)
            return b
        }
        for (i, operation) in operations.enumerated() {
            let path = copy(Array(operation.path.utf8CString))
            switch operation {
            case .create(_, let data, let mode):
                let bytes = copy(data.map { CChar(bitPattern: $0) })
                zoo_create_op_init(
                    ops + i, path, bytes, Int32(data.count), acl, mode.flags,
                    pathBuffers[i], Int32(Self.pathBufferSize))
            case .delete(_, let version):
                zoo_delete_op_init(ops + i, path, version)
            case .setData(_, let data, let version):
                let bytes = copy(data.map { CChar(bitPattern: $0) })
                zoo_set_op_init(ops + i, path, bytes, Int32(data.count), version, stats + i)
            case .check(_, let version):
                zoo_check_op_init(ops + i, path, version)
            }
        }
    }

    private func copy(_ chars: [CChar]) -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: max(chars.count, 1))
        p.initialize(repeating: 0, count: max(chars.count, 1))
        for (i, c) in chars.enumerated() { p[i] = c }
        strings.append(p)
        return p
    }

    func createdPath(_ i: Int) -> String { String(cString: pathBuffers[i]) }

    deinit {
        for s in strings { s.deallocate() }
        for b in pathBuffers { b.deallocate() }
        ops.deallocate()
        results.deallocate()
        stats.deallocate()
    }
}

extension CreateMode {
    var flags: Int32 {
        switch self {
        case .persistent: return rivulet_zoo_persistent()
        case .ephemeral: return rivulet_zoo_ephemeral()
        case .persistentSequential: return rivulet_zoo_persistent_sequential()
        case .ephemeralSequential: return rivulet_zoo_ephemeral_sequential()
        }
    }
}

extension ZooKeeperStat {
    init(_ s: Stat) {
        self.init(
            version: s.version, childVersion: s.cversion, ephemeralOwner: s.ephemeralOwner, dataLength: s.dataLength,
            numChildren: s.numChildren, createdMillis: s.ctime, modifiedMillis: s.mtime, createdZxid: s.czxid)
    }
}
