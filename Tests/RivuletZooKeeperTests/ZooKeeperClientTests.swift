// The ZooKeeper client against a real server: nodes, versions, sequential and ephemeral
// nodes, transactions, watches, connection events and session expiry.

import Foundation
import Synchronization
import XCTest
@testable import RivuletZooKeeper
import RivuletTesting

final class ZooKeeperClientTests: XCTestCase {
    var server: ZooKeeperServerFixture!

    override func setUpWithError() throws {
        server = try ZooKeeperServerFixture()
    }

    override func tearDown() {
        server = nil
    }

    func connect(sessionTimeoutMillis: Int = 6000) async throws -> ZooKeeperClient {
        let client = ZooKeeperClient(connectString: server.connectString, sessionTimeoutMillis: sessionTimeoutMillis, connectionTimeoutMillis: 10_000)
        try await client.start()
        return client
    }

    func testNodesVersionsChildrenAndErrors() async throws {
        let zk = try await connect()
        defer { zk.close() }
        try await zk.ensurePath("/a/b")
        try await zk.ensurePath("/a/b")  // existing is fine
        let created = try await zk.create("/a/b/x", data: Array("one".utf8))
        XCTAssertEqual(created, "/a/b/x")
        var node = try await zk.get("/a/b/x")
        XCTAssertEqual(String(decoding: node.data, as: UTF8.self), "one")
        XCTAssertEqual(node.stat.version, 0)
        let stat = try await zk.setData("/a/b/x", data: Array("two".utf8), version: 0)
        XCTAssertEqual(stat.version, 1)
        do {
            try await zk.setData("/a/b/x", data: [], version: 0)
            XCTFail("a stale version must be refused")
        } catch let error as ZooKeeperError {
            XCTAssertEqual(error.code, .badVersion)
        }
        node = try await zk.get("/a/b/x")
        XCTAssertEqual(String(decoding: node.data, as: UTF8.self), "two")
        do {
            _ = try await zk.get("/a/missing")
            XCTFail("a missing node must throw")
        } catch let error as ZooKeeperError {
            XCTAssertEqual(error.code, .noNode)
            XCTAssertTrue(error.description.contains("/a/missing"), error.description)
        }
        do {
            try await zk.create("/a/b/x")
            XCTFail("an existing node must not be created twice")
        } catch let error as ZooKeeperError {
            XCTAssertEqual(error.code, .nodeExists)
        }
        let first = try await zk.create("/a/b/seq-", mode: .persistentSequential)
        let second = try await zk.create("/a/b/seq-", mode: .persistentSequential)
        XCTAssertEqual(first.count, "/a/b/seq-".count + 10)
        XCTAssertLessThan(first, second)
        let exists = try await zk.exists("/a/nothing")
        XCTAssertNil(exists)
        let children = try await zk.getChildren("/a/b")
        XCTAssertEqual(Set(children), Set(["x", String(first.dropFirst(5)), String(second.dropFirst(5))]))
        try await zk.deleteRecursively("/a")
        let gone = try await zk.exists("/a")
        XCTAssertNil(gone)
    }

    func testTransactionsApplyEverythingOrNothing() async throws {
        let zk = try await connect()
        defer { zk.close() }
        try await zk.ensurePath("/t")
        let results = try await zk.multi([
            .create("/t/one", [1], .persistent), .check("/t", version: -1),
            .create("/t/two", [2], .persistent), .setData("/t/one", [3], version: 0),
        ])
        XCTAssertEqual(results.count, 4)
        XCTAssertEqual(results[0], .created("/t/one"))
        do {
            _ = try await zk.multi([.delete("/t/two", version: -1), .check("/t/missing", version: -1)])
            XCTFail("a failed check must fail the transaction")
        } catch let error as ZooKeeperError {
            XCTAssertEqual(error.code, .noNode)
            XCTAssertEqual(error.path, "/t/missing")
        }
        let two = try await zk.exists("/t/two")
        XCTAssertNotNil(two, "the delete of a failed transaction was applied")
        let one = try await zk.get("/t/one")
        XCTAssertEqual(one.data, [3])
    }

    func testWatchesFireOnceForDataChildrenAndDeletion() async throws {
        let zk = try await connect()
        defer { zk.close() }
        try await zk.create("/w")
        let events = Mutex<[ZooKeeperWatchEvent]>([])
        _ = try await zk.get("/w") { e in events.withLock { $0.append(e) } }
        _ = try await zk.getChildren("/w") { e in events.withLock { $0.append(e) } }
        let missing = try await zk.exists("/later") { e in events.withLock { $0.append(e) } }
        XCTAssertNil(missing)
        try await zk.setData("/w", data: [1])
        try await zk.setData("/w", data: [2])  // the data watch already fired
        try await zk.create("/w/c")
        try await zk.create("/later")
        try await waitUntil { events.withLock { $0.count } >= 3 }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(Set(events.withLock { $0 }), [.dataChanged("/w"), .childrenChanged("/w"), .created("/later")])
        XCTAssertEqual(events.withLock { $0.count }, 3)
    }

    func testEphemeralNodesEndWithTheirSession() async throws {
        let owner = try await connect()
        let observer = try await connect()
        defer { observer.close() }
        try await owner.create("/e", mode: .ephemeral)
        let deleted = Mutex(false)
        let stat = try await observer.exists("/e") { e in if e == .deleted("/e") { deleted.withLock { $0 = true } } }
        XCTAssertNotNil(stat?.ephemeralOwner)
        XCTAssertEqual(stat?.ephemeralOwner, owner.sessionID)
        owner.close()
        try await waitUntil { deleted.withLock { $0 } }
    }

    func testConnectionEventsWhenTheServerGoesAndReturns() async throws {
        let zk = try await connect(sessionTimeoutMillis: 15_000)
        defer { zk.close() }
        try await zk.create("/kept", mode: .ephemeral)
        let events = Mutex<[ZooKeeperConnectionEvent]>([])
        zk.addConnectionListener { e in events.withLock { $0.append(e) } }
        server.stop()
        try await waitUntil { events.withLock { $0.contains(.suspended) } }
        XCTAssertFalse(zk.isConnected)
        do {
            _ = try await zk.get("/kept")
            XCTFail("a call without a connection must fail")
        } catch let error as ZooKeeperError {
            XCTAssertTrue(error.isRetryable, "\(error)")
        }
        try server.start()
        // A retried call goes through once the connection is back.
        let kept = try await zk.retrying(for: 15_000) { try await zk.exists("/kept") }
        XCTAssertNotNil(kept, "the session (and its ephemeral node) must survive a short outage")
        try await waitUntil { events.withLock { $0.contains(.reconnected) } }
        XCTAssertFalse(events.withLock { $0.contains(.expired) })
    }

    func testAnExpiredSessionIsReplacedByANewOne() async throws {
        let zk = try await connect()
        defer { zk.close() }
        try await zk.create("/mine", mode: .ephemeral)
        let before = zk.sessionID
        let events = Mutex<[ZooKeeperConnectionEvent]>([])
        let watch = Mutex<[ZooKeeperWatchEvent]>([])
        zk.addConnectionListener { e in events.withLock { $0.append(e) } }
        _ = try await zk.get("/mine") { e in watch.withLock { $0.append(e) } }
        try await zk.expireSessionFromAnotherConnection()
        try await waitUntil { events.withLock { $0.contains(.expired) } }
        try await waitUntil { events.withLock { $0.last == .connected } && zk.isConnected }
        XCTAssertNotEqual(zk.sessionID, before)
        // The watch fires once: with the session's end, or, when the server's deletion of the
        // expired session's ephemeral node reaches this connection first, with that deletion.
        XCTAssertTrue(
            watch.withLock {
                $0.contains { e in
                    if case .deleted = e { return true }; return e == .sessionExpired
                }
            },
            "the watch must hear that the session ended or its node went: \(watch.withLock { $0 })")
        let mine = try await zk.exists("/mine")
        XCTAssertNil(mine, "the expired session's ephemeral node must be gone")
        try await zk.create("/mine", mode: .ephemeral)  // the new session works
    }

    func waitUntil(seconds: Double = 20, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            if ContinuousClock.now > deadline { throw FixtureError("condition not met within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
