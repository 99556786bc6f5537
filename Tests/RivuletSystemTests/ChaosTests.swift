// Chaos: ZooKeeper, three JobManagers and three TaskManagers as separate processes; while the
// sequence-check job runs, a seeded schedule kills leaders and workers (SIGKILL), kills a
// JobManager during recovery, and freezes the leader (SIGSTOP) past its session timeout.
// Then the job finishes and everything is checked from outside the engine.
//
// bin/test runs one fault of each kind; `bin/chaos --duration 30m --seed N` runs a soak
// (RIVULET_CHAOS_DURATION seconds, RIVULET_CHAOS_SEED).

import Foundation
import Rivulet
import XCTest

final class ChaosTests: XCTestCase {
    enum Fault: String, CaseIterable {
        case killLeader = "kill the leader JobManager"
        case killTaskManager = "kill a TaskManager"
        case killTaskManagers = "kill two TaskManagers at once"
        case killDuringRecovery = "kill the leader, then the new leader while it recovers"
        case freezeLeader = "freeze the leader past its session timeout"
    }

    var violations: [String] = []

    func violation(_ text: String) {
        print("chaos: VIOLATION: \(text)")
        violations.append(text)
    }

    func testJobSurvivesKilledLeadersAndWorkersExactlyOnce() throws {
        let env = ProcessInfo.processInfo.environment
        let duration = Double(env["RIVULET_CHAOS_DURATION"] ?? "") ?? 0  // 0: one fault of each kind
        let seed = UInt64(env["RIVULET_CHAOS_SEED"] ?? "") ?? 1
        var random = SplitMix64(seed: seed)
        let sessionTimeout = 3.0
        let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chaos-chk-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: checkpoints) }
        // The secure configuration of docs/security.md: mutual TLS between processes,
        // creator-only znodes, a REST token.
        let certificates = try TLSCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let secure = certificates.settings.merging([
            "high-availability.zookeeper.client.acl": "creator", "high-availability.zookeeper.client.digest": "rivulet:chaos-secret",
            "security.rest.authentication.token": "chaos-token-0123456789",
        ]) { $1 }
        let cluster = try ClusterFixture(
            taskManagers: 3, slots: 2, jobManagers: 3,
            extra: secure.merging([
                "execution.checkpointing.interval": "1 s",
                "state.checkpoints.dir": checkpoints.path,
                "state.backend.type": "rocksdb",
                "state.backend.incremental": "true",
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "1000",
                "restart-strategy.fixed-delay.delay": "200 ms",
                "high-availability.zookeeper.client.session-timeout": "\(Int(sessionTimeout)) s",
            ]) { $1 })
        // Events enough to outlast the faults at the source's rate.
        let faultsWanted = duration > 0 ? Int.max : Fault.allCases.count
        let keys = 40, rate = 400
        let perKey = max(400, Int(duration * Double(rate)) / keys)
        let output = cluster.directory.appendingPathComponent("out")
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "2", "sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)",
            "--rate", "\(rate)", "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        print("chaos: seed \(seed), job \(id): \(keys) keys x \(perKey) events at \(rate)/s, session timeout \(sessionTimeout) s")

        var latestSeen: Int64 = 0
        /// The newest completed checkpoint the leader reports; records a violation if ids go back.
        func latestCheckpoint() -> Int64? {
            guard let detail = try? cluster.get("/v1/jobs/\(id)").json, detail["status"] as? String == "RUNNING" else { return nil }
            let ids = (detail["checkpoints"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
            guard let newest = ids.max() else { return nil }
            if newest < latestSeen { violation("checkpoint ids went backwards: \(newest) after \(latestSeen)") }
            latestSeen = max(latestSeen, newest)
            return newest
        }
        func jobDone() -> Bool { (try? cluster.jobStatus(id)) == "FINISHED" }

        try cluster.wait("a first completed checkpoint", seconds: 60) { (latestCheckpoint() ?? 0) > 0 }
        var schedule: [Fault] = []
        var failovers: [Double] = []
        let start = Date()
        var injected = 0
        while injected < faultsWanted && (duration == 0 || Date().timeIntervalSince(start) < duration) && !jobDone() {
            if schedule.isEmpty { schedule = Fault.allCases.shuffled(using: &random) }
            let fault = schedule.removeFirst()
            let before = latestCheckpoint() ?? latestSeen
            guard let leader = cluster.leader else { violation("no leader before the fault"); break }
            print(
                "chaos: \(String(format: "%6.1f", Date().timeIntervalSince(start))) s: \(fault.rawValue) (leader jobmanager-\(leader), checkpoint \(before))"
            )
            let faultAt = Date()
            var frozen: Int32?
            let revocations = { (name: String) in cluster.log(name).components(separatedBy: "revoked").count }
            let revokedBefore = revocations("jobmanager-\(leader)")
            switch fault {
            case .killLeader:
                try kill(cluster, "jobmanager-\(leader)")
            case .killTaskManager:
                try kill(cluster, "taskmanager-\(Int.random(in: 0..<3, using: &random))")
            case .killTaskManagers:
                let spared = Int.random(in: 0..<3, using: &random)
                for i in 0..<3 where i != spared { try kill(cluster, "taskmanager-\(i)") }
            case .killDuringRecovery:
                try kill(cluster, "jobmanager-\(leader)")
                try cluster.wait("a new leader", seconds: sessionTimeout + 30) { cluster.leader.map { $0 != leader } ?? false }
                if let next = cluster.leader { try kill(cluster, "jobmanager-\(next)") }
            case .freezeLeader:
                let pid = try cluster.pid("jobmanager-\(leader)")
                Foundation.kill(pid, SIGSTOP)
                cluster.frozen.insert(leader)
                frozen = pid
            }
            Thread.sleep(forTimeInterval: 1)
            try cluster.restartDead(taskManagers: 3)
            // Running again: a checkpoint newer than the fault completed.
            let bound = sessionTimeout * 2 + 40
            do {
                try cluster.wait("the job to run again after '\(fault.rawValue)'", seconds: max(0, bound - Date().timeIntervalSince(faultAt))) {
                    jobDone() || (latestCheckpoint() ?? 0) > before
                }
                let took = Date().timeIntervalSince(faultAt)
                failovers.append(took)
                print("chaos:   running again after \(String(format: "%.2f", took)) s")
            } catch {
                violation("the job was not running again within \(bound) s after '\(fault.rawValue)'")
            }
            if let frozen {
                Foundation.kill(frozen, SIGCONT)
                cluster.frozen.remove(leader)
                let name = "jobmanager-\(leader)"
                do {
                    try cluster.wait("the frozen JobManager to give up leadership", seconds: 20) {
                        // A standby's REST port redirects to the leader (or answers 503): not 200.
                        revocations(name) > revokedBefore
                            && (try? ClusterFixture.request("GET", port: cluster.restPorts[leader], "/v1/overview", timeout: 1, token: cluster.token))?
                                .status != 200
                    }
                } catch {
                    violation("the JobManager frozen past its session timeout did not give up leadership after it resumed")
                }
            }
            injected += 1
        }

        try cluster.restartDead(taskManagers: 3)
        try cluster.wait("the job to finish", seconds: max(120, duration)) { try cluster.jobFinished(id) }

        // Exactly once: every (key, seq), no gaps, no duplicates.
        for problem in try exactlyOnceProblems(in: output, keys: keys, perKey: perKey) { violation(problem) }

        // Never two leaders: each TaskManager registered with sessions in order, never back to an old one.
        for i in 0..<3 {
            var order: [String] = []
            for line in cluster.log("taskmanager-\(i)").split(separator: "\n") {
                guard let range = line.range(of: "under leader session ") else { continue }
                let session = String(line[range.upperBound...].prefix(36))
                if order.last != session {
                    if order.contains(session) { violation("taskmanager-\(i) went back to leader session \(session)") }
                    order.append(session)
                }
            }
        }

        // No shared state file that no retained checkpoint references, no half-written checkpoint.
        try checkStateFiles(checkpoints.appendingPathComponent(id))

        failovers.sort()
        if !failovers.isEmpty {
            print(
                "chaos: \(failovers.count) faults; fault -> running again (a newer checkpoint completed): min \(String(format: "%.2f", failovers.first ?? 0)) s, median \(String(format: "%.2f", failovers[failovers.count / 2])) s, max \(String(format: "%.2f", failovers.last ?? 0)) s"
            )
        }
        print("chaos: \(violations.isEmpty ? "no violations" : "\(violations.count) violation(s)")")
        XCTAssertEqual(violations, [], "chaos violations (seed \(seed))")
    }

    func kill(_ cluster: ClusterFixture, _ name: String) throws {
        let pid = try cluster.pid(name)
        Foundation.kill(pid, SIGKILL)
        if !ClusterFixture.waitForExitOf(pid) { violation("\(name) (pid \(pid)) was still running 10 s after SIGKILL") }
    }

    func checkStateFiles(_ jobDirectory: URL) throws {
        for problem in try stateFileProblems(jobDirectory) { violation(problem) }
    }
}
