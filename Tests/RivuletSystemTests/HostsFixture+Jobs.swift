// Jobs on the compose topology of HostsFixture: the leader, a sequence-check job, its
// checkpoints and its end, as the network fault and chaos tests use them.

import Foundation
import XCTest
import RivuletTesting

extension HostsFixture {
    /// Short timeouts so that a fault shows within seconds (the compose file keeps the defaults).
    static let faultSettings = [
        "heartbeat.interval": "300 ms", "heartbeat.timeout": "3 s",
        "high-availability.zookeeper.client.session-timeout": "3 s",
        "high-availability.zookeeper.client.suspended-grace-period": "500 ms",
        "restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "20",
        "restart-strategy.fixed-delay.delay": "500 ms",
    ]
    static let jobManagers = ["jobmanager-1", "jobmanager-2"]
    static let zooKeepers = ["zookeeper-1", "zookeeper-2", "zookeeper-3"]

    /// The leading JobManager once both TaskManagers registered with it.
    func leaderWithTaskManagers() throws -> String {
        var leader = ""
        try self.wait("a leading JobManager with both TaskManagers") {
            guard let l = self.leader(among: HostsFixture.jobManagers) else { return false }
            leader = l
            return (try self.get(l, "/v1/overview").json["taskManagers"] as? Int) == 2
        }
        return leader
    }

    /// The newest completed checkpoint id `leader` reports for job `id` (0: none); fails the
    /// test when its list is not in increasing order.
    func newestCheckpoint(_ id: String, on leader: String) throws -> Int64 {
        let entries = try self.get(leader, "/v1/jobs/\(id)").json["checkpoints"] as? [[String: Any]] ?? []
        let ids = entries.compactMap { ($0["id"] as? NSNumber)?.int64Value }
        XCTAssertEqual(ids, ids.sorted(), "checkpoint ids out of order on \(leader)")
        return ids.max() ?? 0
    }

    func checkpointCount(_ id: String, on leader: String) throws -> Int {
        (try self.get(leader, "/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.count ?? 0
    }

    func waitForFinish(_ id: String, on leader: String) throws {
        try self.wait("the job to finish", seconds: 90) {
            let status = try self.get(leader, "/v1/jobs/\(id)").json["status"] as? String
            if status == "FAILED" || status == "CANCELED" { throw JobEndedError(status: status ?? "?", log: String(self.log(leader).suffix(3000))) }
            return status == "FINISHED"
        }
    }

    /// The TaskManagers job `id`'s subtasks run on (their resource ids name their hosts).
    func taskManagers(of id: String, on leader: String) throws -> Set<String> {
        let vertices = try self.get(leader, "/v1/jobs/\(id)").json["vertices"] as? [[String: Any]] ?? []
        return Set(vertices.flatMap { ($0["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["taskManager"] as? String } })
    }

    /// Submits sequence-check by host name on the leader's host and waits for a checkpoint.
    /// With `rocksdb`, on RocksDB with incremental checkpoints (shared state files).
    func startJob(leader: String, output: URL, keys: Int, perKey: Int, rocksdb: Bool = false) throws -> String {
        let backend = rocksdb ? ["-D", "state.backend.type=rocksdb", "-D", "state.backend.incremental=true"] : []
        let run = try self.exec(
            leader,
            [
                "rivulet", "run", "--detached", "-m", "\(leader):8081", "-p", "2", "-D", "execution.checkpointing.interval=300ms",
            ] + backend + [
                "sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)", "--rate", "1000", "--output", output.path,
            ])
        guard run.status == 0, let id = run.output.split(separator: " ").last.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) else {
            throw FixtureError("rivulet run failed: \(run.output)")
        }
        try self.wait("a completed checkpoint") {
            (try self.get(leader, "/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.isEmpty == false
        }
        return id
    }
}
