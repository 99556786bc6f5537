// The standalone cluster as users run it: JobManager and TaskManagers as separate processes
// started by the bin scripts, jobs submitted with `rivulet run`, queried over REST.

import Foundation
import RivuletExamples
import XCTest
import RivuletTesting

final class ClusterTests: XCTestCase {
    /// wordcount at parallelism 4 across two TaskManagers (two slots each) writes the counts
    /// computed here from the same text.
    func testWordCountAcrossTwoTaskManagersMatchesCounts() throws {
        try checkWordCountAcrossTwoTaskManagers(try ClusterFixture(taskManagers: 2, slots: 2))
    }

    /// The same job with every address a host name or an IPv6 literal: the TaskManagers
    /// reach the JobManager's RPC at `::1`, the JobManager and the other TaskManager reach
    /// each TaskManager at `localhost` (resolved through /etc/hosts), and the servers bind to
    /// names.
    func testClusterRunsOnHostNamesAndIPv6Literals() throws {
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2,
            extra: [
                "jobmanager.bind-host": "::1", "jobmanager.rpc.address": "::1",
                "rest.bind-address": "localhost", "rest.address": "localhost",
                "taskmanager.bind-host": "localhost", "taskmanager.host": "localhost",
            ])
        try checkWordCountAcrossTwoTaskManagers(cluster)
    }

    func checkWordCountAcrossTwoTaskManagers(_ cluster: ClusterFixture) throws {
        let input = cluster.directory.appendingPathComponent("input.txt")
        var text = ""
        for i in 0..<3000 { text += "Alpha beta \(i % 97) gamma-delta, Beta ALPHA x\(i % 13)\n" }
        try text.write(to: input, atomically: true, encoding: .utf8)
        let output = cluster.directory.appendingPathComponent("out")
        let run = try cluster.rivulet(["run", "-p", "4", "wordcount", "--input", input.path, "--output", output.path])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("FINISHED"), run.output)

        var expected: [String: Int] = [:]
        for line in text.split(separator: "\n") {
            try Tokenizer.forEachWord(in: String(line)) { expected[$0, default: 0] += 1 }
        }
        var actual: [String: Int] = [:]
        for line in try committedLines(in: output) {
            let parts = line.split(separator: "\t")
            XCTAssertEqual(parts.count, 2, "malformed line '\(line)'")
            XCTAssertNil(actual[String(parts[0])], "word '\(parts[0])' printed twice")
            actual[String(parts[0])] = Int(parts[1])
        }
        XCTAssertEqual(actual, expected)

        // Both TaskManagers ran subtasks: the job's subtasks name two TaskManagers.
        let list = try cluster.get("/v1/jobs").json["jobs"] as? [[String: Any]] ?? []
        let id = try XCTUnwrap(list.first?["id"] as? String)
        let vertices = try cluster.get("/v1/jobs/\(id)").json["vertices"] as? [[String: Any]] ?? []
        let taskManagers = Set(vertices.flatMap { ($0["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["taskManager"] as? String } })
        XCTAssertEqual(taskManagers.count, 2, "subtasks ran on \(taskManagers)")
    }

    /// SIGKILL one of three TaskManagers while a checkpointed job with the exactly-once file
    /// sink runs: the job recovers on the remaining slots and every (key, seq) is committed
    /// exactly once.
    func testKilledTaskManagerJobRecoversExactlyOnce() throws {
        let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chk-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: checkpoints) }
        let cluster = try ClusterFixture(
            taskManagers: 3, slots: 1,
            extra: [
                "execution.checkpointing.interval": "300 ms",
                "state.checkpoints.dir": checkpoints,
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "10",
                "restart-strategy.fixed-delay.delay": "200 ms",
            ])
        let output = cluster.directory.appendingPathComponent("out")
        let keys = 20, perKey = 300
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "2", "sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)",
            "--rate", "1000", "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        // Wait until the job runs and has completed a checkpoint, then kill a TaskManager
        // that runs one of its subtasks.
        try cluster.wait("a completed checkpoint") {
            (try cluster.get("/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.isEmpty == false
        }
        let vertices = try cluster.get("/v1/jobs/\(id)").json["vertices"] as? [[String: Any]] ?? []
        let busy = Set(vertices.flatMap { ($0["subtasks"] as? [[String: Any]] ?? []).compactMap { $0["taskManager"] as? String } })
        var victim: Int32?
        for i in 0..<3 {
            let pid = try cluster.taskManagerPID(i)
            if busy.contains(where: { cluster.log("taskmanager-\(i)").contains($0) }) { victim = pid; break }
        }
        let pid = try XCTUnwrap(victim, "no TaskManager runs the job")
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        try cluster.wait("the job to finish after the TaskManager was killed", seconds: 120) { try cluster.jobFinished(id) }
        let detail = try cluster.get("/v1/jobs/\(id)").json
        XCTAssertGreaterThanOrEqual(detail["attempt"] as? Int ?? 0, 1, "the job did not restart: \(detail)")

        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }

    /// Malformed or absurd requests get a 4xx with a message, and the JobManager keeps serving.
    func testBadRestRequestsGetClearErrors() throws {
        let cluster = try ClusterFixture(taskManagers: 1, slots: 1)
        func check(_ method: String, _ path: String, _ body: String?, status: Int, mentions: String) throws {
            let answer = try cluster.request(method, path, body: body.map { Data($0.utf8) })
            XCTAssertEqual(answer.status, status, "\(method) \(path): \(answer.text)")
            let message = answer.json["error"] as? String ?? ""
            XCTAssertTrue(message.localizedCaseInsensitiveContains(mentions), "\(method) \(path): '\(message)' does not mention '\(mentions)'")
        }
        try check("POST", "/v1/jobs", "{not json", status: 400, mentions: "malformed JSON")
        try check("POST", "/v1/jobs", "{\"arguments\": []}", status: 400, mentions: "job")
        try check("POST", "/v1/jobs", "{\"job\": \"no-such-job\"}", status: 404, mentions: "unknown job 'no-such-job'")
        try check("POST", "/v1/jobs", "{\"job\": \"wordcount\", \"parallelism\": 1000000}", status: 400, mentions: "parallelism")
        try check("POST", "/v1/jobs", "{\"job\": \"wordcount\", \"configuration\": {\"no.such.key\": \"1\"}}", status: 400, mentions: "no.such.key")
        try check(
            "POST", "/v1/jobs", "{\"job\": \"wordcount\", \"arguments\": [\"--input\", \"/no/such/file\"]}", status: 400, mentions: "/no/such/file")
        try check("GET", "/v1/jobs/0123456789abcdef", nil, status: 404, mentions: "no job")
        try check("POST", "/v1/jobs/0123456789abcdef/cancel", nil, status: 404, mentions: "no job")
        let huge = "{\"job\": \"wordcount\", \"arguments\": [\"" + String(repeating: "x", count: 2 << 20) + "\"]}"
        try check("POST", "/v1/jobs", huge, status: 413, mentions: "limit")
        // Still serving.
        XCTAssertEqual(try cluster.get("/v1/overview").status, 200)
        XCTAssertEqual(try cluster.get("/v1/overview").json["taskManagers"] as? Int, 1)
        let metrics = try cluster.get("/metrics")
        XCTAssertEqual(metrics.status, 200)
        let registered = metrics.text.split(separator: "\n").first { $0.hasPrefix("rivulet_jobmanager_numRegisteredTaskManagers{") }
        XCTAssertEqual(registered?.split(separator: " ").last, "1.0", metrics.text)
        // The CLI prints the JobManager's message and fails.
        let cli = try cluster.rivulet(["run", "no-such-job"])
        XCTAssertNotEqual(cli.status, 0)
        XCTAssertTrue(cli.output.contains("unknown job 'no-such-job'"), cli.output)
    }

    /// A JobManager whose bind address does not resolve stops at once and says which key
    /// holds which name (not a crash, not a hang).
    func testABindAddressThatDoesNotResolveStopsTheJobManagerNamingIt() throws {
        let run = try TestProcess.run(
            ClusterFixture.binary,
            [
                "jobmanager", "--conf", "/nonexistent", "-D", "jobmanager.bind-host=nowhere.invalid", "-D", "jobmanager.rpc.port=0", "-D",
                "rest.port=0",
            ],
            environment: ProcessInfo.processInfo.environment)
        XCTAssertNotEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("cannot resolve host 'nowhere.invalid' of jobmanager.bind-host"), run.output)
    }

    /// A TaskManager pointed at a JobManager that is not there keeps retrying with backoff and
    /// says why; it registers once the JobManager comes up.
    func testTaskManagerRetriesAWrongJobManagerAddress() throws {
        let port = try TestProcess.freePort()
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-tm-\(UUID().uuidString.prefix(8)).log").path
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let pid = try TestProcess.spawn(
            ClusterFixture.binary,
            [
                "taskmanager", "--conf", "/nonexistent", "-D", "jobmanager.rpc.port=\(port)",
                "-D", "cluster.registration.initial-timeout=50 ms", "-D", "cluster.registration.max-timeout=400 ms",
            ], environment: ProcessInfo.processInfo.environment, output: logPath)
        var exited = false
        defer { if !exited { kill(pid, SIGKILL); _ = TestProcess.waitForExit(pid) } }
        let marker = "cannot register at the JobManager at 127.0.0.1:\(port)"
        let deadline = Date().addingTimeInterval(20)
        var log = ""
        while Date() < deadline {
            log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if log.components(separatedBy: marker).count > 3 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTAssertEqual(kill(pid, 0), 0, "the TaskManager exited: \(log)")
        XCTAssertGreaterThan(log.components(separatedBy: marker).count, 3, log)
        XCTAssertTrue(log.contains("retrying in"), log)
        // SIGTERM stops it gracefully.
        kill(pid, SIGTERM)
        XCTAssertEqual(TestProcess.waitForExit(pid), 0)
        exited = true
    }
}

final class ClusterSavepointTests: XCTestCase {
    /// A savepoint of a running job, then stop-with-savepoint, then a new job restored from the
    /// stop's savepoint: together the two runs commit every (key, seq) exactly once.
    func testStopWithSavepointAndResumeIsExactlyOnce() throws {
        let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chk-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: checkpoints) }
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2,
            extra: [
                "execution.checkpointing.interval": "200 ms",
                "state.checkpoints.dir": checkpoints,
            ])
        let output = cluster.directory.appendingPathComponent("out")
        let savepoint1 = cluster.directory.appendingPathComponent("savepoint-1").path
        let savepoint2 = cluster.directory.appendingPathComponent("savepoint-2").path
        // 24 keys: a multiple of both parallelisms (2, then 3), as sequence-check requires.
        let keys = 24, perKey = 350
        let job = ["sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)", "--rate", "800", "--output", output.path]
        let run = try cluster.rivulet(["run", "--detached", "-p", "2"] + job)
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        try cluster.wait("a completed checkpoint") {
            (try cluster.get("/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.isEmpty == false
        }
        let savepoint = try cluster.rivulet(["savepoint", id, savepoint1])
        XCTAssertEqual(savepoint.status, 0, savepoint.output)
        XCTAssertTrue(savepoint.output.contains("Savepoint completed at "), savepoint.output)
        // A savepoint directory is used once: the second request is refused with a message.
        let again = try cluster.request("POST", "/v1/jobs/\(id)/savepoints", body: Data("{\"directory\": \"\(savepoint1)\"}".utf8))
        XCTAssertEqual(again.status, 409, again.text)
        XCTAssertTrue((again.json["error"] as? String ?? "").contains("already holds a savepoint"), again.text)

        let stop = try cluster.rivulet(["stop", id, "--savepoint-dir", savepoint2])
        XCTAssertEqual(stop.status, 0, stop.output)
        let path = try XCTUnwrap(stop.output.components(separatedBy: "Savepoint completed at ").last?.components(separatedBy: ";").first)
        XCTAssertTrue(FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("_metadata")), path)
        try cluster.wait("the stopped job to finish") { try cluster.jobStatus(id) == "FINISHED" }
        let before = try committedLines(in: output).count
        XCTAssertLessThan(before, keys * perKey, "the job ended before it was stopped; the test proves nothing")

        let resumed = try cluster.rivulet(["run", "-p", "3", "-s", path] + job)
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }

    /// A TaskManager whose JobManager dies cancels its tasks, frees its slots, keeps trying,
    /// and registers with the JobManager that comes back.
    func testTaskManagerFollowsAJobManagerThatCameBack() throws {
        let cluster = try ClusterFixture(taskManagers: 1, slots: 2)
        let run = try cluster.rivulet(["run", "--detached", "-p", "2", "sequence-check", "--keys", "10", "--per-key", "1000000", "--rate", "200"])
        XCTAssertEqual(run.status, 0, run.output)
        try cluster.wait("the job's slots to be taken") { (try cluster.get("/v1/overview").json["slotsAvailable"] as? Int) == 0 }
        let jobManager = try cluster.pid("jobmanager-0")
        XCTAssertEqual(kill(jobManager, SIGKILL), 0)
        try cluster.wait("the TaskManager to notice") { cluster.log("taskmanager-0").contains("lost the JobManager") }
        try cluster.wait("the TaskManager to retry") { cluster.log("taskmanager-0").contains("cannot register at the JobManager") }
        let started = try cluster.script("jobmanager.sh", ["start"])
        XCTAssertEqual(started.status, 0, started.output)
        try cluster.wait("the TaskManager to register again with both slots free") {
            let overview = try cluster.get("/v1/overview").json
            return overview["taskManagers"] as? Int == 1 && overview["slotsAvailable"] as? Int == 2
        }
        XCTAssertTrue(cluster.log("taskmanager-0").contains("cancelling all tasks and freeing all slots"))
    }
}
