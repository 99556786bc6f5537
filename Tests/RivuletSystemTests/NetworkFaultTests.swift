// docker-compose.yml's topology as separate hosts (bin/hosts), a job submitted by host name,
// and network faults between the hosts; the output is checked from outside for exactly-once.

import Foundation
import XCTest

final class NetworkFaultTests: XCTestCase {
    /// taskmanager-1 cut off from both JobManagers (its link to taskmanager-2 and ZooKeeper
    /// stays): the leader's heartbeat times out and the job fails over to taskmanager-2; once
    /// healed the job finishes with every (key, seq) committed exactly once, and taskmanager-1
    /// registers again.
    func testComposeTopologyRunsAJobByHostNameThroughATaskManagerCutOff() throws {
        try checkFailoverFromTaskManager1 { hosts, _ in
            for jobManager in HostsFixture.jobManagers { try hosts.fault(["cut", "taskmanager-1", jobManager]) }
        }
    }

    /// An asymmetric cut: the JobManagers reach taskmanager-1 no more, while its packets to
    /// them still arrive. The same failover, exactly once.
    func testAOneWayCutFromTheJobManagersFailsOverExactlyOnce() throws {
        try checkFailoverFromTaskManager1 { hosts, _ in
            for jobManager in HostsFixture.jobManagers { try hosts.fault(["cut", jobManager, "taskmanager-1", "--one-way"]) }
        }
    }

    /// Runs sequence-check by host name on the compose topology, applies `fault` once a
    /// checkpoint completed with a subtask on taskmanager-1, waits until the job runs on
    /// taskmanager-2 alone, heals, and checks the output for exactly-once.
    func checkFailoverFromTaskManager1(_ fault: (HostsFixture, String) throws -> Void) throws {
        let hosts = try HostsFixture(settings: HostsFixture.faultSettings)
        let leader = try hosts.leaderWithTaskManagers()
        // docker-compose.yml turns internal TLS on: its TaskManagers say so as they start.
        XCTAssertTrue(hosts.log("taskmanager-1").contains("(mutual TLS)"), String(hosts.log("taskmanager-1").prefix(3000)))
        let output = hosts.data.appendingPathComponent("out")
        let keys = 20, perKey = 600
        let id = try hosts.startJob(leader: leader, output: output, keys: keys, perKey: perKey)
        try hosts.wait("a subtask on taskmanager-1") {
            try hosts.taskManagers(of: id, on: leader).contains { $0.contains("taskmanager-1") }
        }
        try fault(hosts, leader)
        let cut = Date()
        try hosts.wait("the job to run on taskmanager-2 alone") {
            let on = try hosts.taskManagers(of: id, on: leader)
            let status = try hosts.get(leader, "/v1/jobs/\(id)").json["status"] as? String
            return !on.isEmpty && on.allSatisfy { $0.contains("taskmanager-2") } && status == "RUNNING"
        }
        print("\(name): the job ran on taskmanager-2 alone \(String(format: "%.2f", Date().timeIntervalSince(cut))) s after the fault")
        try hosts.fault(["heal"])
        try hosts.wait("the job to finish", seconds: 90) {
            let status = try hosts.get(leader, "/v1/jobs/\(id)").json["status"] as? String
            if status == "FAILED" || status == "CANCELED" { throw JobEndedError(status: status ?? "?", log: String(hosts.log(leader).suffix(3000))) }
            return status == "FINISHED"
        }
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
        try hosts.wait("taskmanager-1 to register again") {
            (try hosts.get(leader, "/v1/overview").json["taskManagers"] as? Int) == 2
        }
    }

    /// The leading JobManager cut off from ZooKeeper but not from the TaskManagers: it must
    /// stop leading within the suspended grace period, the standby takes over and resumes the
    /// job from its latest checkpoint, and the old leader, reachable by the TaskManagers all
    /// along, commits nothing: the output is exactly once, checkpoint ids go on from where the
    /// old leader was, and no shared state file of the RocksDB job is orphaned. Healed, the old
    /// leader comes back as a standby (one leader serves the REST API).
    func testALeaderCutOffFromZooKeeperStepsDownAndTheStandbyTakesOver() throws {
        let hosts = try HostsFixture(settings: HostsFixture.faultSettings)
        let leader = try hosts.leaderWithTaskManagers()
        let standby = HostsFixture.jobManagers.first { $0 != leader } ?? ""
        let output = hosts.data.appendingPathComponent("out")
        let keys = 20, perKey = 800
        let id = try hosts.startJob(leader: leader, output: output, keys: keys, perKey: perKey, rocksdb: true)
        let oldNewest = try hosts.newestCheckpoint(id, on: leader)
        for server in HostsFixture.zooKeepers { try hosts.fault(["cut", leader, server]) }
        let cut = Date()
        try hosts.wait("the old leader to stop serving the REST API") { (try? hosts.get(leader, "/v1/overview"))?.status != 200 }
        let steppedDown = Date().timeIntervalSince(cut)
        try hosts.wait("the standby to run the job") {
            (try hosts.get(standby, "/v1/jobs/\(id)").json["status"] as? String) == "RUNNING"
        }
        print(
            "\(leader) cut off from ZooKeeper: stopped leading after \(String(format: "%.2f", steppedDown)) s, \(standby) ran the job after \(String(format: "%.2f", Date().timeIntervalSince(cut))) s"
        )
        try hosts.wait("a checkpoint of the new leader") { try hosts.newestCheckpoint(id, on: standby) > oldNewest }
        try hosts.fault(["heal"])
        try hosts.wait("the job to finish under the new leader", seconds: 90) {
            let status = try hosts.get(standby, "/v1/jobs/\(id)").json["status"] as? String
            if status == "FAILED" || status == "CANCELED" { throw JobEndedError(status: status ?? "?", log: String(hosts.log(standby).suffix(3000))) }
            return status == "FINISHED"
        }
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
        XCTAssertEqual(hosts.leader(among: HostsFixture.jobManagers), standby, "one leader, the new one")
        XCTAssertEqual(try stateFileProblems(hosts.data.appendingPathComponent("checkpoints/\(id)")), [])
    }

    /// A slow, lossy link out of taskmanager-1 (2 Mbit/s, 2% of packets dropped: its data and
    /// control traffic): the job keeps running, checkpoints keep completing, and the output is
    /// exactly once.
    func testASlowLossyLinkSlowsTheJobButLosesNothing() throws {
        let hosts = try HostsFixture(settings: HostsFixture.faultSettings)
        let leader = try hosts.leaderWithTaskManagers()
        let output = hosts.data.appendingPathComponent("out")
        let keys = 20, perKey = 500
        let id = try hosts.startJob(leader: leader, output: output, keys: keys, perKey: perKey)
        // This machine's kernel has no netem qdisc: loss through iptables, a rate limit through tbf.
        try hosts.fault(["netem", "taskmanager-1", "loss", "2%", "rate", "2mbit"])
        let qdisc = try hosts.exec("taskmanager-1", ["tc", "qdisc", "show", "dev", "eth0"]).output
        XCTAssertTrue(qdisc.contains("tbf") && qdisc.contains("rate 2Mbit"), qdisc)
        let rules = try hosts.exec("taskmanager-1", ["iptables", "-S", "OUTPUT"]).output
        XCTAssertTrue(rules.contains("statistic") && rules.contains("0.02"), rules)
        let checkpoints = { (try hosts.get(leader, "/v1/jobs/\(id)").json["completedCheckpoints"] as? Int) ?? 0 }
        let before = try checkpoints()
        try hosts.wait("two checkpoints completed over the slow link", seconds: 60) { try checkpoints() >= before + 2 }
        try hosts.wait("the job to finish", seconds: 120) {
            let status = try hosts.get(leader, "/v1/jobs/\(id)").json["status"] as? String
            if status == "FAILED" || status == "CANCELED" { throw JobEndedError(status: status ?? "?", log: String(hosts.log(leader).suffix(3000))) }
            return status == "FINISHED"
        }
        try hosts.fault(["heal"])
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }

    /// One ZooKeeper follower cut off from every host: the ensemble keeps its quorum, so the
    /// same JobManager keeps leading in the same session and checkpoints go on.
    func testAZooKeeperMinorityCutOffChangesNothing() throws {
        let hosts = try HostsFixture(settings: HostsFixture.faultSettings)
        let leader = try hosts.leaderWithTaskManagers()
        let session = try hosts.get(leader, "/v1/overview").json["leaderSessionID"] as? String
        let output = hosts.data.appendingPathComponent("out")
        let keys = 20, perKey = 600
        let id = try hosts.startJob(leader: leader, output: output, keys: keys, perKey: perKey)
        let follower = try XCTUnwrap(
            HostsFixture.zooKeepers.first { (try? hosts.hosts(["zookeeper-mode", $0]))?.output.contains("follower") == true })
        try hosts.fault(["isolate", follower])
        let before = try hosts.checkpointCount(id, on: leader)
        try hosts.wait("three more checkpoints without \(follower)") { try hosts.checkpointCount(id, on: leader) >= before + 3 }
        XCTAssertEqual(try hosts.get(leader, "/v1/overview").json["leaderSessionID"] as? String, session, "the same leader session")
        try hosts.fault(["heal"])
        try hosts.waitForFinish(id, on: leader)
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }

    /// Two of three ZooKeeper servers cut off: the last one has no quorum, so nobody leads
    /// (no JobManager serves the REST API) and no output is committed. Healed, a leader
    /// resumes the job from its latest checkpoint and it finishes exactly once.
    func testAZooKeeperMajorityCutOffStopsEveryLeaderUntilHealed() throws {
        let hosts = try HostsFixture(settings: HostsFixture.faultSettings)
        let leader = try hosts.leaderWithTaskManagers()
        let output = hosts.data.appendingPathComponent("out")
        let keys = 20, perKey = 800
        let id = try hosts.startJob(leader: leader, output: output, keys: keys, perKey: perKey)
        try hosts.fault(["isolate", "zookeeper-1"])
        try hosts.fault(["isolate", "zookeeper-2"])
        let cut = Date()
        try hosts.wait("every JobManager to stop leading") { hosts.leader(among: HostsFixture.jobManagers) == nil }
        print("ZooKeeper majority cut off: no leader after \(String(format: "%.2f", Date().timeIntervalSince(cut))) s")
        let committed = try committedLines(in: output).count
        Thread.sleep(forTimeInterval: 3)
        XCTAssertEqual(try committedLines(in: output).count, committed, "output committed while nobody led")
        XCTAssertNil(hosts.leader(among: HostsFixture.jobManagers), "a JobManager led without a ZooKeeper quorum")
        try hosts.fault(["heal"])
        let healed = Date()
        var newLeader = ""
        try hosts.wait("a leader running the job again") {
            guard let l = hosts.leader(among: HostsFixture.jobManagers) else { return false }
            newLeader = l
            return (try hosts.get(l, "/v1/jobs/\(id)").json["status"] as? String) == "RUNNING"
        }
        print("ZooKeeper healed: \(newLeader) ran the job again after \(String(format: "%.2f", Date().timeIntervalSince(healed))) s")
        try hosts.waitForFinish(id, on: newLeader)
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }
}
