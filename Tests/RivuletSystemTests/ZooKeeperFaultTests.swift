// ZooKeeper faults under a running HA cluster with a 3-server ensemble on loopback.

import Foundation
import XCTest

final class ZooKeeperFaultTests: XCTestCase {
    /// Killing one ZooKeeper server (the ZooKeeper leader) does not stop the job: the same
    /// JobManager keeps leading and the same run keeps checkpointing. Losing the whole ensemble
    /// makes the JobManagers stop leading; when ZooKeeper returns, a leader resumes the job
    /// from its latest checkpoint, and the committed output is exactly once.
    func testOneServerLostKeepsTheJobAndTheWholeEnsembleLostLosesNothing() throws {
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2, jobManagers: 2, zooKeeperServers: 3,
            extra: [
                "execution.checkpointing.interval": "500 ms",
                "state.checkpoints.dir": FileManager.default.temporaryDirectory.appendingPathComponent(
                    "rivulet-zkf-chk-\(UUID().uuidString.prefix(8))"
                ).path,
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "100",
                "restart-strategy.fixed-delay.delay": "200 ms",
                "high-availability.zookeeper.client.session-timeout": "8 s",
                "high-availability.zookeeper.client.suspended-grace-period": "2 s",
            ])
        let output = cluster.directory.appendingPathComponent("out")
        let keys = 20, perKey = 600
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "2", "sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)",
            "--rate", "400", "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        func newestCheckpoint() throws -> Int64 {
            let ids = (try cluster.get("/v1/jobs/\(id)").json["checkpoints"] as? [[String: Any]] ?? []).compactMap {
                ($0["id"] as? NSNumber)?.int64Value
            }
            return ids.max() ?? 0
        }
        try cluster.wait("a completed checkpoint") { try newestCheckpoint() > 0 }
        let leader = try XCTUnwrap(cluster.leader)
        let attempt = try cluster.get("/v1/jobs/\(id)").json["attempt"] as? Int

        // One server down: the ZooKeeper leader.
        let status = try cluster.script("zookeeper.sh", ["status"])
        let zkLeader = try XCTUnwrap(
            status.output.split(separator: "\n").first { $0.hasSuffix(": leader") }?
                .split(separator: " ").dropFirst().first.flatMap { Int($0) }, status.output)
        XCTAssertEqual(kill(try cluster.pid("zookeeper-\(zkLeader)"), SIGKILL), 0)
        let before = try newestCheckpoint()
        try cluster.wait("checkpoints to go on without ZooKeeper server \(zkLeader)", seconds: 30) { try newestCheckpoint() > before + 2 }
        XCTAssertEqual(cluster.leader, leader, "the JobManager leader changed when one ZooKeeper server died")
        XCTAssertEqual(try cluster.get("/v1/jobs/\(id)").json["attempt"] as? Int, attempt, "the job restarted when one ZooKeeper server died")
        XCTAssertEqual(try cluster.script("zookeeper.sh", ["start", "\(zkLeader)"]).status, 0)

        // The whole ensemble down: nobody leads; nothing committed is lost.
        let revoked = cluster.log("jobmanager-\(leader)").components(separatedBy: "revoked").count
        for n in 1...3 { kill(try cluster.pid("zookeeper-\(n)"), SIGKILL) }
        try cluster.wait("the JobManagers to stop leading", seconds: 30) {
            cluster.leader == nil && cluster.log("jobmanager-\(leader)").components(separatedBy: "revoked").count > revoked
        }
        let linesWithoutZooKeeper = try committedLines(in: output).count
        Thread.sleep(forTimeInterval: 2)
        XCTAssertEqual(try committedLines(in: output).count, linesWithoutZooKeeper, "output was committed while no JobManager led")
        XCTAssertEqual(try cluster.script("zookeeper.sh", ["start"]).status, 0)
        try cluster.wait("the job to finish after ZooKeeper returned", seconds: 120) { try cluster.jobFinished(id) }
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }
}
