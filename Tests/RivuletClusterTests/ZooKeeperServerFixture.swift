// A real ZooKeeper server for tests, run by bin/zookeeper.sh on a free loopback port.

import Foundation
import XCTest

/// One standalone ZooKeeper server (Debian's package) in a temporary directory.
final class ZooKeeperServerFixture {
    let directory: URL
    let port: Int
    var connectString: String { "127.0.0.1:\(port)" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-zk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("conf"), withIntermediateDirectories: true)
        port = try ClusterFixture.freePort()
        try """
        tickTime=500
        initLimit=10
        syncLimit=5
        minSessionTimeout=1000
        maxSessionTimeout=20000
        clientPort=\(port)
        clientPortAddress=127.0.0.1
        """.write(to: directory.appendingPathComponent("conf/zoo.cfg"), atomically: true, encoding: .utf8)
        try start()
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["RIVULET_CONF_DIR"] = directory.appendingPathComponent("conf").path
        env["RIVULET_LOG_DIR"] = directory.appendingPathComponent("log").path
        return env
    }

    /// Starts the server (its data survives `stop`) and waits until it serves.
    func start() throws {
        let result = try ClusterFixture.run(ClusterFixture.root.appendingPathComponent("bin/zookeeper.sh").path, ["start"], environment: environment)
        guard result.status == 0 else { throw FixtureError("ZooKeeper did not start: \(result.output)") }
    }

    func stop() {
        _ = try? ClusterFixture.run(ClusterFixture.root.appendingPathComponent("bin/zookeeper.sh").path, ["stop"], environment: environment)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
