// The Web UI in a real browser (headless Chromium, from Debian's chromium package that
// bin/setup installs) against a real cluster running a real job, and the Prometheus
// endpoints of both processes. Screenshots of every page are kept under
// .build/test-artifacts/web-ui/.

import Foundation
import XCTest
import RivuletTesting

final class WebUITests: XCTestCase {
    /// Each page loads and draws what the REST API says: the job graph with its vertices and
    /// hash edge, numbers that move between two loads, the checkpoint history with a
    /// per-subtask breakdown, TaskManagers with their logs, the JobManager's configuration,
    /// and a cancelled job shown as CANCELED.
    func testEveryPageShowsTheRunningJobAndACancelledOneAsCanceled() throws {
        let browser = try Browser()
        let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chk-\(UUID().uuidString.prefix(8))").path
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-logs-\(UUID().uuidString.prefix(8))").path
        defer {
            try? FileManager.default.removeItem(atPath: checkpoints)
            try? FileManager.default.removeItem(atPath: logs)
        }
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let cluster = try ClusterFixture(
            taskManagers: 1, slots: 2,
            extra: [
                "execution.checkpointing.interval": "300 ms", "state.checkpoints.dir": checkpoints,
                "metrics.fetcher.update-interval": "200 ms", "logging.dir": logs,
            ])
        defer { cluster.stop() }
        let run = try cluster.rivulet(["run", "--detached", "-p", "2", "window-wordcount", "--records", "0", "--rate", "2000"])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        try cluster.wait("two completed checkpoints") {
            ((try cluster.get("/jobs/\(id)/checkpoints").json["counts"] as? [String: Any])?["completed"] as? Int ?? 0) >= 2
        }
        let base = "http://127.0.0.1:\(cluster.restPort)/"

        // The job graph: both vertices, the hash edge between them, the job RUNNING.
        let first = try browser.load(base + "#/jobs/\(id)", screenshot: "job-graph")
        XCTAssertEqual(Browser.attribute("data-state", ofElementWithID: "job-state", in: first), "RUNNING", first)
        let vertices = Browser.elements(withClass: "vertex", in: first)
        XCTAssertEqual(vertices.count, 2, first)
        XCTAssertTrue(first.contains("data-partitioning=\"HASH\""), first)
        XCTAssertTrue(vertices.contains { $0.contains("Window Aggregate") }, "\(vertices)")
        // Numbers move: the source's records out grow between two loads.
        let before = try XCTUnwrap(Self.recordsOut(ofVertex: "0", in: first))
        var after = before
        try cluster.wait("the records out shown to grow") {
            after = try XCTUnwrap(Self.recordsOut(ofVertex: "0", in: browser.load(base + "#/jobs/\(id)")))
            return after > before
        }

        // Checkpoints: the history, and the breakdown of one completed checkpoint per subtask.
        let history = try browser.load(base + "#/jobs/\(id)/checkpoints", screenshot: "checkpoints")
        let completed = Browser.elements(withClass: "checkpoint-row", in: history).filter { $0.contains("data-status=\"COMPLETED\"") }
        XCTAssertGreaterThanOrEqual(completed.count, 2, history)
        // The oldest listed one: by the next load it may have left the latest ten, and is still shown.
        let checkpointID = try XCTUnwrap(Browser.attribute("data-checkpoint-id", in: try XCTUnwrap(completed.last)))
        let breakdown = try browser.load(base + "#/jobs/\(id)/checkpoints/\(checkpointID)", screenshot: "checkpoint-breakdown")
        XCTAssertEqual(Browser.elements(withClass: "checkpoint-subtask", in: breakdown).count, 4, "2 vertices x 2 subtasks: \(breakdown)")

        // Exceptions of a job that never failed, the overview, the TaskManagers and a TaskManager's log.
        let exceptions = try browser.load(base + "#/jobs/\(id)/exceptions", screenshot: "exceptions")
        XCTAssertTrue(exceptions.contains("id=\"no-exceptions\""), exceptions)
        let overview = try browser.load(base, screenshot: "overview")
        XCTAssertEqual(Browser.text(ofElementWithID: "overview-taskmanagers", in: overview), "1", overview)
        XCTAssertEqual(Browser.text(ofElementWithID: "overview-running", in: overview), "1", overview)
        let taskManagers = try browser.load(base + "#/taskmanagers", screenshot: "taskmanagers")
        let tmID = try XCTUnwrap(
            Browser.attribute("data-taskmanager-id", in: try XCTUnwrap(Browser.elements(withClass: "taskmanager-row", in: taskManagers).first)))
        let taskManager = try browser.load(base + "#/taskmanagers/\(tmID)", screenshot: "taskmanager")
        XCTAssertTrue(taskManager.contains("Status.Process.Memory.RSS"), taskManager)
        XCTAssertTrue(taskManager.contains("id=\"log-text\""), taskManager)
        XCTAssertTrue(taskManager.contains("registered at the ResourceManager"), "the TaskManager's own log: \(taskManager)")
        let jobManager = try browser.load(base + "#/jobmanager", screenshot: "jobmanager")
        XCTAssertTrue(jobManager.contains(checkpoints), "the configuration shows state.checkpoints.dir: \(jobManager)")
        XCTAssertTrue(jobManager.contains("JobManager leads with session"), jobManager)

        // Cancelled: the job page and the job list say CANCELED.
        XCTAssertEqual(try cluster.request("PATCH", "/jobs/\(id)?mode=cancel").status, 202)
        try cluster.wait("the job to be cancelled") { try cluster.jobStatus(id) == "CANCELED" }
        let cancelled = try browser.load(base + "#/jobs/\(id)", screenshot: "job-canceled")
        XCTAssertEqual(Browser.attribute("data-state", ofElementWithID: "job-state", in: cancelled), "CANCELED", cancelled)
        XCTAssertTrue(cancelled.contains("id=\"cancel\" class=\"danger\" disabled"), "no cancel button for an ended job: \(cancelled)")
        let list = try browser.load(base + "#/jobs", screenshot: "jobs")
        let row = try XCTUnwrap(Browser.elements(withClass: "job-row", in: list).first { $0.contains(id) }, list)
        XCTAssertTrue(row.contains("data-state=\"CANCELED\""), row)
    }

    /// Prometheus can scrape both processes, with Flink's metric names and labels: the
    /// TaskManager's task I/O on metrics.reporter.prom.port, the JobManager's job metrics on
    /// its REST port.
    func testBothProcessesServePrometheusMetricsWithFlinksNames() throws {
        let promPort = try TestProcess.freePort()
        let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chk-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: checkpoints) }
        let cluster = try ClusterFixture(
            taskManagers: 1, slots: 2,
            extra: [
                "execution.checkpointing.interval": "300 ms", "state.checkpoints.dir": checkpoints,
                "metrics.reporter.prom.port": "\(promPort)-\(promPort + 5)", "metrics.sample-interval": "200 ms",
            ])
        defer { cluster.stop() }
        let run = try cluster.rivulet(["run", "--detached", "-p", "2", "window-wordcount", "--records", "0", "--rate", "2000"])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })

        var taskManager: [Sample] = []
        try cluster.wait("the TaskManager's task metrics to count records and see watermarks") {
            let response = try ClusterFixture.request("GET", port: promPort, "/metrics", timeout: 5)
            taskManager = Sample.parse(response.text)
            return taskManager.contains { $0.name == "rivulet_taskmanager_job_task_numRecordsOut" && $0.labels["job_id"] == id && $0.value > 0 }
                && taskManager.filter { $0.name == "rivulet_taskmanager_job_task_watermarkLag" && $0.labels["job_id"] == id }.count == 4
        }
        for name in [
            "numRecordsIn", "numRecordsOut", "numRecordsInPerSecond", "numRecordsOutPerSecond", "busyTimeMsPerSecond",
            "idleTimeMsPerSecond", "backPressuredTimeMsPerSecond", "buffers_outPoolUsage", "currentInputWatermark", "watermarkLag",
        ] {
            let samples = taskManager.filter { $0.name == "rivulet_taskmanager_job_task_" + name && $0.labels["job_id"] == id }
            XCTAssertEqual(samples.count, 4, "\(name): one per subtask of 2 vertices x 2")
            for sample in samples {
                XCTAssertEqual(sample.labels["job_name"], "window-wordcount")
                XCTAssertNotNil(sample.labels["task_name"])
                XCTAssertNotNil(sample.labels["subtask_index"])
                XCTAssertEqual(sample.labels["task_attempt_num"], "0")
                XCTAssertNotNil(sample.labels["tm_id"])
            }
        }
        // How long batches waited for the window subtasks (they take batches; sources do not).
        let latency = taskManager.filter { $0.name == "rivulet_taskmanager_job_task_inputLatency" && $0.labels["job_id"] == id }
        XCTAssertEqual(Set(latency.map { $0.labels["quantile"] ?? "" }), ["0.5", "0.95", "0.99"], "\(latency)")
        XCTAssertTrue(latency.allSatisfy { $0.value > 0 && $0.labels["task_name"]?.hasPrefix("Window") == true }, "\(latency)")
        let busy = taskManager.filter { $0.name.hasSuffix("TimeMsPerSecond") }.map(\.value)
        XCTAssertTrue(busy.allSatisfy { (0...1000).contains($0) }, "\(busy)")
        XCTAssertTrue(taskManager.contains { $0.name == "rivulet_taskmanager_Status_Process_Memory_RSS" && $0.value > 0 })

        var jobManager: [Sample] = []
        try cluster.wait("the JobManager's job metrics to count checkpoints") {
            jobManager = Sample.parse(try cluster.get("/metrics").text)
            return jobManager.contains { $0.name == "rivulet_jobmanager_job_numberOfCompletedCheckpoints" && $0.value >= 2 }
        }
        for name in ["uptime", "numRestarts", "lastCheckpointDuration", "lastCheckpointSize", "numberOfFailedCheckpoints"] {
            XCTAssertEqual(
                jobManager.filter { $0.name == "rivulet_jobmanager_job_" + name && $0.labels["job_id"] == id }.count, 1, "\(name): \(jobManager)")
        }
        XCTAssertEqual(jobManager.first { $0.name == "rivulet_jobmanager_numRegisteredTaskManagers" }?.value, 1)
        XCTAssertEqual(jobManager.first { $0.name == "rivulet_jobmanager_numRunningJobs" }?.value, 1)

        // A cancelled job's task metrics leave the TaskManager's exposition.
        XCTAssertEqual(try cluster.request("PATCH", "/jobs/\(id)?mode=cancel").status, 202)
        try cluster.wait("the task metrics of the cancelled job to go") {
            let text = try ClusterFixture.request("GET", port: promPort, "/metrics", timeout: 5).text
            return !Sample.parse(text).contains { $0.labels["job_id"] == id }
        }
    }

    /// `rivulet local --web-ui` serves the same REST API, Web UI and metrics for its job while
    /// it runs, then exits with the job, its output written.
    func testLocalWebUIServesTheJobWhileItRuns() throws {
        let browser = try Browser()
        let port = try TestProcess.freePort()
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-local-\(UUID().uuidString.prefix(8)).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let pid = try TestProcess.spawn(
            ClusterFixture.binary,
            ["local", "--web-ui", "--port", "\(port)", "-p", "2", "window-wordcount", "--records", "40000", "--rate", "5000"],
            environment: ProcessInfo.processInfo.environment, output: outputPath)
        var exited = false
        defer { if !exited { kill(pid, SIGKILL); _ = TestProcess.waitForExit(pid) } }
        let deadline = Date().addingTimeInterval(30)
        var jobs: [[String: Any]] = []
        while Date() < deadline {
            if let answer = try? ClusterFixture.request("GET", port: port, "/jobs/overview", timeout: 2), answer.status == 200 {
                jobs = answer.json["jobs"] as? [[String: Any]] ?? []
                if jobs.first?["state"] as? String == "RUNNING" { break }
            }
            usleep(100_000)
        }
        XCTAssertEqual(jobs.first?["state"] as? String, "RUNNING", "\(jobs)")
        let id = try XCTUnwrap(jobs.first?["jid"] as? String)
        let page = try browser.load("http://127.0.0.1:\(port)/#/jobs/\(id)", screenshot: "local-job")
        XCTAssertEqual(Browser.elements(withClass: "vertex", in: page).count, 2, page)
        let metrics = try ClusterFixture.request("GET", port: port, "/metrics", timeout: 5).text
        XCTAssertTrue(metrics.contains("rivulet_taskmanager_job_task_numRecordsOut{"), "task metrics of the local job: \(metrics)")
        XCTAssertTrue(metrics.contains("rivulet_jobmanager_job_uptime{"), metrics)
        let status = TestProcess.waitForExit(pid)
        exited = true
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        XCTAssertEqual(status, 0, String(output.suffix(3000)))
        XCTAssertTrue(output.contains("Web UI: http://127.0.0.1:\(port)/#/jobs/\(id)"), String(output.prefix(2000)))
        XCTAssertGreaterThan(output.split(separator: "\n").count, 100, "the job printed its windows")
    }

    static func recordsOut(ofVertex vertex: String, in html: String) -> Int? {
        Browser.elements(withClass: "vertex", in: html).first { $0.contains("data-vertex-id=\"\(vertex)\"") }
            .flatMap { Browser.attribute("data-records-out", in: $0) }.flatMap { Int($0) }
    }
}

/// One line of Prometheus' text format: `name{label="value",...} value`.
struct Sample {
    let name: String
    let labels: [String: String]
    let value: Double

    static func parse(_ text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { return nil }
            let head = line[..<space]
            guard let brace = head.firstIndex(of: "{") else { return Sample(name: String(head), labels: [:], value: value) }
            var labels: [String: String] = [:]
            // Label values here hold no quotes or commas of their own.
            for pair in head[head.index(after: brace)..<head.index(before: head.endIndex)].split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { labels[String(parts[0])] = String(parts[1].dropFirst().dropLast()) }
            }
            return Sample(name: String(head[..<brace]), labels: labels, value: value)
        }
    }
}

/// Headless Chromium: loads a page, runs its scripts (fetches included) and returns the DOM.
struct Browser {
    let executable: String
    let profile: URL
    static let artifacts = TestProcess.repositoryRoot.appendingPathComponent(".build/test-artifacts/web-ui")

    init() throws {
        guard let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else {
            throw FixtureError("headless Chromium is missing: bin/setup installs Debian's chromium package")
        }
        executable = found
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chromium-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
    }

    var flags: [String] {
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(profile.path)", "--virtual-time-budget=8000"]
    }

    /// The page's DOM once its scripts ran; with `screenshot`, a PNG of it under `artifacts`.
    func load(_ url: String, screenshot: String? = nil, requireDrawn: Bool = true, extraFlags: [String] = []) throws -> String {
        let flags = self.flags + extraFlags
        let dom = try TestProcess.run(executable, flags + ["--dump-dom", url], environment: ProcessInfo.processInfo.environment)
        guard dom.status == 0 else { throw FixtureError("chromium failed on \(url): \(dom.output)") }
        if let screenshot {
            let path = Self.artifacts.appendingPathComponent(screenshot + ".png").path
            _ = try TestProcess.run(
                executable, flags + ["--window-size=1400,1000", "--screenshot=\(path)", url], environment: ProcessInfo.processInfo.environment)
        }
        // The view draws after its requests answer; a page still showing "Loading" drew nothing.
        guard !requireDrawn || dom.output.contains("data-refreshed-at") else { throw FixtureError("\(url) did not draw: \(dom.output.suffix(2000))") }
        return dom.output
    }

    /// The opening tags (with their content up to the next element of the same tag) of
    /// elements whose class list holds `name`.
    static func elements(withClass name: String, in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let range = rest.range(of: "class=\"") {
            let start = html[..<range.lowerBound].lastIndex(of: "<") ?? range.lowerBound
            let classes = rest[range.upperBound...].prefix { $0 != "\"" }
            if classes.split(separator: " ").contains(Substring(name)) {
                let tail = html[start...]
                let tag = tail.dropFirst().prefix { $0.isLetter }
                let end = tail.dropFirst().range(of: "<\(tag) ")?.lowerBound ?? tail.endIndex
                found.append(String(html[start..<end]))
            }
            rest = rest[range.upperBound...]
        }
        return found
    }

    /// The value of `attribute` in the first tag of `element`.
    static func attribute(_ attribute: String, in element: String) -> String? {
        guard let range = element.range(of: " \(attribute)=\"") else { return nil }
        return String(element[range.upperBound...].prefix { $0 != "\"" })
    }

    static func attribute(_ attribute: String, ofElementWithID id: String, in html: String) -> String? {
        guard let at = html.range(of: "id=\"\(id)\"") else { return nil }
        let start = html[..<at.lowerBound].lastIndex(of: "<") ?? at.lowerBound
        let tag = html[start...].prefix { $0 != ">" }
        return Self.attribute(attribute, in: String(tag))
    }

    static func text(ofElementWithID id: String, in html: String) -> String? {
        guard let at = html.range(of: "id=\"\(id)\"") else { return nil }
        let afterTag = html[at.upperBound...].drop { $0 != ">" }.dropFirst()
        return String(afterTag.prefix { $0 != "<" })
    }
}
