// High availability on real processes: ZooKeeper, two JobManagers and TaskManagers started
// by bin/start-cluster.sh; the leader is killed and the standby takes the job over.

import Foundation
import XCTest
import RivuletTesting

final class HighAvailabilityTests: XCTestCase {
    /// SIGKILL the leading JobManager while a checkpointed job (RocksDB, incremental) runs:
    /// the standby is elected once the dead leader's ZooKeeper session expires, recovers the
    /// job from ZooKeeper, resumes it from its latest checkpoint, and every (key, seq) is
    /// committed exactly once. The CLI finds each leader through ZooKeeper. Every znode has a
    /// creator-only ACL: the processes and the CLI present the cluster's digest.
    func testStandbyTakesOverFromAKilledLeaderExactlyOnce() throws {
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2, jobManagers: 2,
            extra: [
                "execution.checkpointing.interval": "300 ms",
                "state.checkpoints.dir": FileManager.default.temporaryDirectory.appendingPathComponent(
                    "rivulet-ha-chk-\(UUID().uuidString.prefix(8))"
                ).path,
                "state.backend.type": "rocksdb",
                "state.backend.incremental": "true",
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "10",
                "restart-strategy.fixed-delay.delay": "200 ms",
                // Znodes only this cluster's processes (and CLI) can read or change.
                "high-availability.zookeeper.client.acl": "creator",
                "high-availability.zookeeper.client.digest": "rivulet:ha-test-secret",
            ])
        // A job that ends under the first leader stays listed under the next one.
        let short = try cluster.rivulet(["run", "-p", "1", "wordcount"])
        XCTAssertEqual(short.status, 0, short.output)
        let ended = try XCTUnwrap(
            (try cluster.get("/v1/jobs").json["jobs"] as? [[String: Any]])?.first { $0["name"] as? String == "wordcount" }?["id"] as? String)
        let output = cluster.directory.appendingPathComponent("out")
        let keys = 20, perKey = 200
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "2", "sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)",
            "--rate", "400", "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        try cluster.wait("a completed checkpoint") {
            (try cluster.get("/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.isEmpty == false
        }
        let first = try XCTUnwrap(cluster.leader, "no JobManager leads")
        // The standby's REST port redirects to the leader's.
        let standby = try ClusterFixture.request("GET", port: cluster.restPorts[1 - first], "/jobs/overview")
        XCTAssertEqual(standby.status, 307, standby.text)
        XCTAssertEqual(standby.location.flatMap { URL(string: $0) }?.port, cluster.restPorts[first], standby.location ?? "no Location")
        XCTAssertTrue(standby.location?.hasSuffix("/jobs/overview") == true, standby.location ?? "no Location")
        XCTAssertEqual(kill(try cluster.pid("jobmanager-\(first)"), SIGKILL), 0)
        let killedAt = Date()
        try cluster.wait("the standby to lead and run the job again", seconds: 60) {
            guard let now = cluster.leader, now != first else { return false }
            return try cluster.jobStatus(id) == "RUNNING"
        }
        let failover = Date().timeIntervalSince(killedAt)
        print("failover after killing the leader JobManager: \(String(format: "%.2f", failover)) s (session timeout 3 s)")
        let second = try XCTUnwrap(cluster.leader)
        XCTAssertTrue(
            cluster.log("jobmanager-\(second)").contains("recovered job 'sequence-check' \(id)"),
            cluster.log("jobmanager-\(second)").suffix(3000).description)
        XCTAssertTrue(
            cluster.log("jobmanager-\(second)").contains("resumes from checkpoint"), cluster.log("jobmanager-\(second)").suffix(3000).description)
        let list = try cluster.rivulet(["list"])
        XCTAssertEqual(list.status, 0, list.output)
        XCTAssertTrue(list.output.contains(id), list.output)
        XCTAssertTrue(list.output.contains(ended), "the job that ended under the first leader is not listed: \(list.output)")
        let archived = try cluster.get("/v1/jobs/\(ended)").json
        XCTAssertEqual(archived["status"] as? String, "FINISHED")
        XCTAssertFalse((archived["vertices"] as? [Any] ?? []).isEmpty, "the ended job keeps its vertices")
        let overview = try cluster.get("/jobs/overview").json["jobs"] as? [[String: Any]] ?? []
        XCTAssertEqual(overview.first { $0["jid"] as? String == ended }?["state"] as? String, "FINISHED")
        XCTAssertEqual(try cluster.request("POST", "/v1/jobs/\(ended)/cancel").status, 409)
        // The killed JobManager comes back as a standby and stays one.
        try cluster.restartDead(taskManagers: 2)
        try cluster.wait("the job to finish under the new leader", seconds: 120) { try cluster.jobFinished(id) }
        XCTAssertEqual(cluster.leader, second)
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
        // Every TaskManager registered with the new leader's session.
        let session = try XCTUnwrap(try cluster.get("/v1/overview").json["leaderSessionID"] as? String)
        for i in 0..<2 {
            XCTAssertTrue(
                cluster.log("taskmanager-\(i)").contains("under leader session \(session)"), cluster.log("taskmanager-\(i)").suffix(2000).description)
        }
    }

    /// Several JobManagers without ZooKeeper are refused with a clear error.
    func testSeveralJobManagersNeedZooKeeper() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-ha-conf-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "127.0.0.1:18081\n127.0.0.1:18082\n".write(to: directory.appendingPathComponent("masters"), atomically: true, encoding: .utf8)
        try "127.0.0.1\n".write(to: directory.appendingPathComponent("workers"), atomically: true, encoding: .utf8)
        try "rest.port: 18081\n".write(to: directory.appendingPathComponent("rivulet.yaml"), atomically: true, encoding: .utf8)
        var env = ProcessInfo.processInfo.environment
        env["RIVULET_CONF_DIR"] = directory.path
        env["RIVULET_LOG_DIR"] = directory.appendingPathComponent("log").path
        env["RIVULET_BIN"] = ClusterFixture.binary
        let result = try TestProcess.run(TestProcess.repositoryRoot.appendingPathComponent("bin/start-cluster.sh").path, [], environment: env)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.output.contains("high-availability.type: zookeeper"), result.output)
    }
}
