// The services of docker-compose.yml as separate hosts (network namespaces) on this machine,
// started by bin/hosts from the compose file itself, and the network faults it injects.

import Foundation
import XCTest
import RivuletTesting

/// A compose topology run by `bin/hosts` in a temporary directory; `down` (also on deinit)
/// stops its processes and deletes its namespaces, bridge and /etc/netns entries.
final class HostsFixture {
    let directory: URL
    /// The shared volume `rivulet-data` (mounted at /data in the compose file).
    var data: URL { directory.appendingPathComponent("volumes/rivulet-data") }

    /// Starts every service with `settings` added to each rivulet command (-D key=value).
    init(settings: [String: String]) throws {
        guard getuid() == 0 else { throw XCTSkip("bin/hosts needs root (network namespaces)") }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-hosts-\(UUID().uuidString.prefix(8))")
        let up = try hosts(
            ["up", "--binary", ClusterFixture.binary] + settings.sorted { $0.key < $1.key }.flatMap { ["-D", "\($0.key)=\($0.value)"] })
        guard up.status == 0 else {
            down()
            throw FixtureError("bin/hosts up failed: \(up.output)")
        }
    }

    deinit { down() }

    func down() {
        _ = try? hosts(["down"])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `bin/hosts VERB ...` on this topology.
    @discardableResult
    func hosts(_ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let verb = arguments.first else { throw FixtureError("no bin/hosts verb") }
        return try TestProcess.run(
            TestProcess.repositoryRoot.appendingPathComponent("bin/hosts").path, [verb, "--dir", directory.path] + arguments.dropFirst(),
            environment: ProcessInfo.processInfo.environment)
    }

    /// Injects or removes a network fault (`cut A B`, `netem A ...`, `heal`, ...); throws when
    /// bin/hosts could not.
    func fault(_ arguments: [String]) throws {
        let r = try hosts(arguments)
        guard r.status == 0 else { throw FixtureError("bin/hosts \(arguments.joined(separator: " ")) failed: \(r.output)") }
    }

    /// Runs a command on a service's host (`rivulet` is the cluster's binary).
    func exec(_ service: String, _ command: [String]) throws -> (status: Int32, output: String) {
        try hosts(["exec", service] + command)
    }

    func ip(_ service: String) throws -> String {
        let r = try hosts(["ip", service])
        guard r.status == 0 else { throw FixtureError("no address for \(service): \(r.output)") }
        return r.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A REST call to a service's port 8081 from this machine (over the bridge).
    func get(_ service: String, _ path: String) throws -> ClusterFixture.Response {
        try ClusterFixture.request("GET", host: try ip(service), port: 8081, path, timeout: 5)
    }

    /// The JobManager that serves the REST API (the leader), if one does.
    func leader(among jobManagers: [String]) -> String? {
        jobManagers.first { (try? get($0, "/v1/overview"))?.status == 200 }
    }

    func log(_ service: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("logs/\(service).log"), encoding: .utf8)) ?? ""
    }

    /// Waits until `condition` holds (errors retried), failing after `seconds`.
    func wait(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw FixtureError("timed out after \(seconds) s waiting for \(what)")
    }
}
