// A real cluster for tests: the bin scripts start a JobManager and TaskManagers as separate
// processes on loopback ports chosen here; the REST API is reached over real HTTP.

import Foundation
import Rivulet
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import RivuletTesting

/// A standalone cluster started by bin/start-cluster.sh in a temporary directory.
final class ClusterFixture {
    static var binary: String { TestProcess.repositoryRoot.appendingPathComponent(".build/debug/rivulet").path }

    let directory: URL
    let confDirectory: URL
    let logDirectory: URL
    let rpcPort: Int
    /// The REST ports of the JobManagers (one unless `jobManagers` asked for more).
    let restPorts: [Int]
    let properties: [String]
    /// The REST token the cluster was configured with, sent with the fixture's own requests.
    let token: String?

    /// Writes conf/ (masters, workers, rivulet.yaml) for `taskManagers` TaskManagers with
    /// `slots` slots each and starts the cluster. With `jobManagers` > 1 the cluster is highly
    /// available: conf/zoo.cfg describes a ZooKeeper server on a free port that
    /// start-cluster.sh starts first.
    init(taskManagers: Int, slots: Int, jobManagers: Int = 1, zooKeeperServers: Int = 1, extra: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-cluster-\(UUID().uuidString.prefix(8))")
        confDirectory = directory.appendingPathComponent("conf")
        logDirectory = directory.appendingPathComponent("log")
        try FileManager.default.createDirectory(at: confDirectory, withIntermediateDirectories: true)
        rpcPort = try TestProcess.freePort()
        restPorts = try (0..<jobManagers).map { _ in try TestProcess.freePort() }
        var settings: [String: String] = [
            "jobmanager.rpc.port": "\(rpcPort)",
            "rest.port": "\(restPorts[0])",
            "taskmanager.numberOfTaskSlots": "\(slots)",
            "heartbeat.interval": "300 ms",
            "heartbeat.timeout": "3 s",
            "slot.request.timeout": "60 s",
            "rpc.timeout": "5 s",
        ]
        if jobManagers > 1 {
            let clientPorts = try (0..<zooKeeperServers).map { _ in try TestProcess.freePort() }
            var cfg = "tickTime=500\ninitLimit=10\nsyncLimit=5\nminSessionTimeout=1000\nmaxSessionTimeout=20000\n"
            if zooKeeperServers == 1 {
                cfg += "clientPort=\(clientPorts[0])\nclientPortAddress=127.0.0.1\n"
            } else {
                for (i, port) in clientPorts.enumerated() {
                    cfg += "server.\(i + 1)=127.0.0.1:\(try TestProcess.freePort()):\(try TestProcess.freePort());127.0.0.1:\(port)\n"
                }
            }
            try cfg.write(to: confDirectory.appendingPathComponent("zoo.cfg"), atomically: true, encoding: .utf8)
            settings["high-availability.type"] = "zookeeper"
            settings["high-availability.zookeeper.quorum"] = clientPorts.map { "127.0.0.1:\($0)" }.joined(separator: ",")
            settings["high-availability.storageDir"] = directory.appendingPathComponent("ha").path
            settings["high-availability.cluster-id"] = "test"
            settings["high-availability.zookeeper.client.session-timeout"] = "3 s"
            settings["high-availability.zookeeper.client.suspended-grace-period"] = "500 ms"
        }
        for (k, v) in extra { settings[k] = v }
        token = settings["security.rest.authentication.token"]
        properties = settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        try settings.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
            .write(to: confDirectory.appendingPathComponent("rivulet.yaml"), atomically: true, encoding: .utf8)
        try restPorts.map { "127.0.0.1:\($0)\n" }.joined().write(
            to: confDirectory.appendingPathComponent("masters"), atomically: true, encoding: .utf8)
        try String(repeating: "127.0.0.1\n", count: taskManagers)
            .write(to: confDirectory.appendingPathComponent("workers"), atomically: true, encoding: .utf8)
        let started = try script("start-cluster.sh")
        XCTAssertEqual(started.status, 0, started.output)
        try waitForTaskManagers(taskManagers)
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["RIVULET_BIN"] = Self.binary
        env["RIVULET_CONF_DIR"] = confDirectory.path
        env["RIVULET_LOG_DIR"] = logDirectory.path
        return env
    }

    /// Runs a bin script with the fixture's environment.
    @discardableResult
    func script(_ name: String, _ arguments: [String] = []) throws -> (status: Int32, output: String) {
        try TestProcess.run(TestProcess.repositoryRoot.appendingPathComponent("bin/\(name)").path, arguments, environment: environment)
    }

    /// Runs `rivulet` against this cluster (an HA cluster's CLI finds the leader in ZooKeeper).
    func rivulet(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let target = restPorts.count > 1 ? ["--conf", confDirectory.path] : ["-m", "127.0.0.1:\(restPort)"]
        return try TestProcess.run(Self.binary, arguments + target, environment: environment)
    }

    /// The REST port of the leading JobManager (standbys serve no REST API).
    var restPort: Int {
        guard restPorts.count > 1 else { return restPorts[0] }
        // No leader yet: any JobManager that is not frozen (a frozen one would hang the call).
        return leader.map { restPorts[$0] } ?? restPorts.indices.first { !frozen.contains($0) }.map { restPorts[$0] } ?? restPorts[0]
    }

    /// The index of the JobManager that serves the REST API (the leader), if one does.
    /// Frozen JobManagers (SIGSTOP) are skipped: their sockets accept but never answer.
    var leader: Int? {
        restPorts.indices.first { i in
            !frozen.contains(i) && (try? Self.request("GET", port: restPorts[i], "/v1/overview", timeout: 2, token: token))?.status == 200
        }
    }

    /// JobManagers a test stopped with SIGSTOP.
    var frozen: Set<Int> = []

    /// Stops every process of the cluster (SIGTERM, then SIGKILL).
    func stop() {
        _ = try? script("stop-cluster.sh")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Pid of a TaskManager started by the scripts.
    func taskManagerPID(_ index: Int) throws -> Int32 { try pid("taskmanager-\(index)") }

    /// Pid of a process started by the scripts (`jobmanager-0`, `taskmanager-1`, ...).
    func pid(_ name: String) throws -> Int32 {
        let text = try String(contentsOf: logDirectory.appendingPathComponent("\(name).pid"), encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw FixtureError("bad pid file") }
        return pid
    }

    /// True while the process `name` started by the scripts runs.
    func isAlive(_ name: String) -> Bool {
        guard let pid = try? pid(name) else { return false }
        return kill(pid, 0) == 0
    }

    /// Waits until process `pid` (not a child of ours) is gone, at most 10 s.
    @discardableResult
    static func waitForExitOf(_ pid: pid_t) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0 {
            if Date() > deadline { return false }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return true
    }

    func log(_ name: String) -> String {
        (try? String(contentsOf: logDirectory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
    }

    // MARK: REST

    struct Response {
        let status: Int
        let body: Data
        /// Where a redirect points (a standby JobManager redirects to the leader).
        var location: String? = nil
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: String, _ path: String, body: Data? = nil) throws -> Response {
        try Self.request(method, port: restPort, path, body: body, token: token)
    }

    static func request(
        _ method: String, host: String = "127.0.0.1", port: Int, _ path: String, body: Data? = nil, timeout: Double = 60,
        token: String? = nil
    ) throws -> Response {
        var request = URLRequest(url: URL(string: "http://\(host):\(port)\(path)")!, timeoutInterval: timeout)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<Response, any Error> = .failure(FixtureError("no answer"))
        noRedirects.dataTask(with: request) { data, response, error in
            if let error {
                result = .failure(error)
            } else {
                let http = response as? HTTPURLResponse
                result = .success(
                    Response(
                        status: http?.statusCode ?? 0, body: data ?? Data(), location: http?.value(forHTTPHeaderField: "Location")))
            }
            done.signal()
        }.resume()
        done.wait()
        return try result.get()
    }

    func get(_ path: String) throws -> Response { try Self.request("GET", port: restPort, path, timeout: 15, token: token) }

    /// A session that does not follow redirects: a standby's answer is its redirect, so the
    /// leader is the JobManager that answers 200.
    static let noRedirects = URLSession(configuration: .default, delegate: RedirectRefuser(), delegateQueue: nil)

    final class RedirectRefuser: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    func jobStatus(_ id: String) throws -> String {
        try get("/v1/jobs/\(id)").json["status"] as? String ?? "?"
    }

    /// True once job `id` is FINISHED; throws `JobEndedError` when it FAILED or was CANCELED.
    func jobFinished(_ id: String) throws -> Bool {
        let status = try jobStatus(id)
        if status == "FAILED" || status == "CANCELED" {
            throw JobEndedError(status: status, log: log("jobmanager-\(leader ?? 0)").suffix(3000).description)
        }
        return status == "FINISHED"
    }

    /// Starts again every JobManager (with its own REST port) and TaskManager whose process is gone.
    func restartDead(taskManagers: Int) throws {
        for (i, port) in restPorts.enumerated() where !isAlive("jobmanager-\(i)") {
            let r = try script("jobmanager.sh", ["start", "-D", "rest.port=\(port)", "-D", "jobmanager.rpc.port=0"])
            guard r.status == 0 else { throw FixtureError("jobmanager-\(i) did not start again: \(r.output)") }
        }
        for i in 0..<taskManagers where !isAlive("taskmanager-\(i)") {
            let r = try script("taskmanager.sh", ["start"])
            guard r.status == 0 else { throw FixtureError("taskmanager-\(i) did not start again: \(r.output)") }
        }
    }

    /// Waits until `condition` holds, failing after `seconds`. Errors of the condition are
    /// retried (a REST call during a failover), except `JobEndedError`, which ends the wait.
    func wait(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            do {
                if try condition() { return }
            } catch let error as JobEndedError {
                throw error
            } catch {}
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw FixtureError("timed out after \(seconds) s waiting for \(what)\njobmanager log:\n\(log("jobmanager-0").suffix(3000))")
    }

    func waitForTaskManagers(_ n: Int) throws {
        try wait("\(n) TaskManagers to register") {
            (try get("/v1/overview").json["taskManagers"] as? Int) == n
        }
    }

    // MARK: Helpers

}

/// A job the test waits on reached FAILED or CANCELED.
struct JobEndedError: Error, CustomStringConvertible {
    let status: String
    let log: String
    var description: String { "the job ended \(status)\nleader log:\n\(log)" }
}

/// Reads every committed part file under `directory` (visible files only), line by line.
func committedLines(in directory: URL) throws -> [String] {
    let fm = FileManager.default
    guard let enumerator = fm.enumerator(at: directory, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles]) else { return [] }
    var lines: [String] = []
    for case let url as URL in enumerator where !url.hasDirectoryPath {
        let name = url.lastPathComponent
        if name.hasPrefix(".") || name.contains("inprogress") || name.contains("pending") { continue }
        let text = try String(contentsOf: url, encoding: .utf8)
        lines += text.split(separator: "\n").map(String.init)
    }
    return lines
}

/// What is wrong with sequence-check's committed output under `directory`, if anything: each
/// of `keys` keys must have every sequence number below `perKey` exactly once, and nothing else.
func exactlyOnceProblems(in directory: URL, keys: Int, perKey: Int) throws -> [String] {
    let lines = try committedLines(in: directory)
    let unique = Set(lines)
    var problems: [String] = []
    if unique.count != lines.count { problems.append("\(lines.count - unique.count) (key, seq) lines were committed twice") }
    var missing = 0
    for k in 0..<keys { for s in 0..<perKey where !unique.contains("\(k)\t\(s)") { missing += 1 } }
    if missing > 0 { problems.append("\(missing) of \(keys * perKey) (key, seq) lines are missing") }
    let extra = unique.count - (keys * perKey - missing)
    if extra > 0 { problems.append("\(extra) lines are no (key, seq) of the job") }
    return problems
}

/// What is wrong with a job's checkpoint directory, if anything: a `chk-N` that is not a
/// complete checkpoint, or a shared state file (incremental RocksDB) that no retained
/// checkpoint references (an orphan).
func stateFileProblems(_ jobDirectory: URL) throws -> [String] {
    let fm = FileManager.default
    var problems: [String] = []
    var referenced: Set<String> = []
    for name in try fm.contentsOfDirectory(atPath: jobDirectory.path) where name.hasPrefix("chk-") {
        let directory = jobDirectory.appendingPathComponent(name).path
        do {
            let metadata = try FileSystemCheckpointStorage.readMetadata(directory: directory)
            referenced.formUnion(metadata.allFiles.map(\.path))
        } catch {
            problems.append("\(name) is not a complete checkpoint: \(error)")
        }
    }
    let shared = (try? fm.contentsOfDirectory(atPath: jobDirectory.appendingPathComponent("shared").path)) ?? []
    let orphans = shared.map { "shared/" + $0 }.filter { !referenced.contains($0) }
    if !orphans.isEmpty { problems.append("\(orphans.count) shared state file(s) no retained checkpoint references, e.g. \(orphans.prefix(3))") }
    return problems
}
