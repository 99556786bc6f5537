// A real ZooKeeper server for tests, run by bin/zookeeper.sh on a free loopback port.

import Foundation

/// One standalone ZooKeeper server (Debian's package) in a temporary directory.
public final class ZooKeeperServerFixture {
    public let directory: URL
    public let port: Int
    public var connectString: String { "127.0.0.1:\(port)" }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-zk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("conf"), withIntermediateDirectories: true)
        port = try TestProcess.freePort()
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

    public var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["RIVULET_CONF_DIR"] = directory.appendingPathComponent("conf").path
        env["RIVULET_LOG_DIR"] = directory.appendingPathComponent("log").path
        return env
    }

    static var script: String { TestProcess.repositoryRoot.appendingPathComponent("bin/zookeeper.sh").path }

    /// Starts the server (its data survives `stop`) and waits until it serves.
    public func start() throws {
        let result = try TestProcess.run(Self.script, ["start"], environment: environment)
        guard result.status == 0 else { throw FixtureError("ZooKeeper did not start: \(result.output)") }
    }

    public func stop() {
        _ = try? TestProcess.run(Self.script, ["stop"], environment: environment)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
