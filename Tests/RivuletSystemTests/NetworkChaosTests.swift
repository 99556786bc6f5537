// The network chaos run of `bin/chaos --network`: docker-compose.yml's topology as hosts
// (bin/hosts), one long job, and a seeded schedule of network faults; then the output,
// checkpoint ids and state files are checked from outside.

import Foundation
import XCTest

final class NetworkChaosTests: XCTestCase {
    /// A network fault: applied for a while, then healed.
    enum Fault: CaseIterable {
        case taskManagerCutOff, oneWayCut, leaderCutFromZooKeeper, zooKeeperFollowerIsolated, lossyTaskManagerLink
    }

    /// Runs only from `bin/chaos --network` (RIVULET_NETWORK_CHAOS_SECONDS set; bin/test runs
    /// the network faults once each, in NetworkFaultTests).
    func testJobSurvivesRandomNetworkFaultsExactlyOnce() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let duration = environment["RIVULET_NETWORK_CHAOS_SECONDS"].flatMap(Double.init) else {
            throw XCTSkip("the network chaos run is bin/chaos --network")
        }
        var rng = SystemRandomNumberGenerator()
        var seed = UInt64(environment["RIVULET_CHAOS_SEED"] ?? "") ?? rng.next()
        func random(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let hosts = try HostsFixture(settings: HostsFixture.faultSettings)
        var leader = try hosts.leaderWithTaskManagers()
        let output = hosts.data.appendingPathComponent("out")
        let keys = 20, rate = 1000
        let perKey = Int((duration + 30) * Double(rate)) / keys
        let id = try hosts.startJob(leader: leader, output: output, keys: keys, perKey: perKey, rocksdb: true)
        print("network chaos: seed \(seed), job \(id), \(keys) keys x \(perKey) events at \(rate)/s, \(Int(duration)) s of faults")
        var newest = try hosts.newestCheckpoint(id, on: leader)
        let end = Date().addingTimeInterval(duration)
        while Date() < end {
            let fault = Fault.allCases[random(Fault.allCases.count)]
            let started = Date()
            switch fault {
            case .taskManagerCutOff:
                for jm in HostsFixture.jobManagers { try hosts.fault(["cut", "taskmanager-\(1 + random(2))", jm]) }
            case .oneWayCut:
                let tm = "taskmanager-\(1 + random(2))"
                for jm in HostsFixture.jobManagers { try hosts.fault(["cut", jm, tm, "--one-way"]) }
            case .leaderCutFromZooKeeper:
                for server in HostsFixture.zooKeepers { try hosts.fault(["cut", leader, server]) }
            case .zooKeeperFollowerIsolated:
                if let follower = HostsFixture.zooKeepers.first(where: {
                    (try? hosts.hosts(["zookeeper-mode", $0]))?.output.contains("follower") == true
                }) {
                    try hosts.fault(["isolate", follower])
                }
            case .lossyTaskManagerLink:
                try hosts.fault(["netem", "taskmanager-\(1 + random(2))", "loss", "\(1 + random(5))%", "rate", "4mbit"])
            }
            Thread.sleep(forTimeInterval: 4 + Double(random(3)))
            try hosts.fault(["heal"])
            // Recovered: a leader runs the job and completed a checkpoint newer than any seen.
            try hosts.wait("the job running with a newer checkpoint after \(fault)", seconds: 90) {
                guard let l = hosts.leader(among: HostsFixture.jobManagers) else { return false }
                leader = l
                let status = try hosts.get(l, "/v1/jobs/\(id)").json["status"] as? String
                if status == "FINISHED" { return true }
                // A new leader lists the checkpoints its own JobMaster completed (none at first).
                let latest = try hosts.newestCheckpoint(id, on: l)
                if latest > 0 { XCTAssertGreaterThanOrEqual(latest, newest, "checkpoint ids went back after \(fault)") }
                return status == "RUNNING" && latest > newest
            }
            newest = max(newest, try hosts.newestCheckpoint(id, on: leader))
            print(
                "network chaos: \(fault): running again with a newer checkpoint \(String(format: "%.2f", Date().timeIntervalSince(started))) s after it began"
            )
        }
        try hosts.waitForFinish(id, on: leader)
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
        XCTAssertEqual(try stateFileProblems(hosts.data.appendingPathComponent("checkpoints/\(id)")), [])
    }
}
