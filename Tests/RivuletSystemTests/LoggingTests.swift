// The cluster processes' logs as `logging.*` configures them: one file per process, JSON
// lines, levels per logger, rotation by size.

import Foundation
import XCTest

final class LoggingTests: XCTestCase {
    /// JobManager and TaskManager log JSON to their own files under `logging.dir`: the
    /// JobManager at info (its own level), the TaskManager only warnings and above (the default
    /// level); the JobMaster's lines carry the job id; a file past 1 kb is rotated and only
    /// `max-files` rotated files stay.
    func testProcessesLogJSONToRotatedFilesAtTheirLevels() throws {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-logs-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let cluster = try ClusterFixture(
            taskManagers: 1, slots: 1,
            extra: [
                "logging.dir": logs, "logging.format": "json", "logging.level": "warning", "logging.levels": "rivulet.jobmanager=info",
                "logging.file.max-size": "1 kb", "logging.file.max-files": "2",
            ])
        var ids: [String] = []
        for _ in 0..<4 {
            let run = try cluster.rivulet(["run", "-p", "1", "wordcount"])
            XCTAssertEqual(run.status, 0, run.output)
        }
        ids = (try cluster.get("/v1/jobs").json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.count, 4)
        let files = try FileManager.default.contentsOfDirectory(atPath: logs).sorted()
        let jobManager = files.filter { $0.hasPrefix("jobmanager-") }
        XCTAssertTrue(jobManager.contains { $0.hasSuffix(".log") } && jobManager.contains { $0.hasSuffix(".log.1") }, "rotated: \(files)")
        XCTAssertLessThanOrEqual(jobManager.count, 3, "at most the current file and 2 rotated ones: \(files)")
        func lines(_ names: [String]) throws -> [[String: String]] {
            try names.flatMap { name -> [[String: String]] in
                let text = try String(contentsOfFile: logs + "/" + name, encoding: .utf8)
                XCTAssertLessThanOrEqual(text.utf8.count, 1024 + 2048, "\(name) outgrew its size before rotating")
                return try text.split(separator: "\n").map { line in
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                    return try XCTUnwrap(object, "not a JSON object of strings: \(line)")
                }
            }
        }
        // The JobManager is idle once the jobs ended, so its files stand still while they are read.
        let jm = try lines(jobManager)
        XCTAssertTrue(jm.allSatisfy { $0["time"] != nil && $0["level"] != nil && $0["logger"] != nil && $0["message"] != nil })
        XCTAssertTrue(jm.contains { $0["level"] == "info" && ($0["logger"] ?? "").hasPrefix("rivulet.jobmanager") }, "\(jm.prefix(3))")
        let ended = jm.filter { ($0["message"] ?? "").contains("ended: FINISHED") }
        XCTAssertFalse(ended.isEmpty, "the JobMaster's lines are in the newest files")
        XCTAssertTrue(ended.allSatisfy { line in ids.contains(line["job"] ?? "-") }, "a job's lines carry its id: \(ended)")
        let taskManager = files.filter { $0.hasPrefix("taskmanager-") }
        XCTAssertFalse(taskManager.isEmpty, "the TaskManager has its own file: \(files)")
        let tm = try lines(taskManager)
        XCTAssertTrue(tm.allSatisfy { ["warning", "error", "critical"].contains($0["level"] ?? "") }, "below warning: \(tm.prefix(3))")
        // The REST API lists and serves the JobManager's files (Flink's /jobmanager/logs), and
        // nothing outside them.
        let listed = (try cluster.get("/jobmanager/logs").json["logs"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        XCTAssertEqual(Set(listed), Set(jobManager), "the listing names the JobManager's files")
        let newest = try XCTUnwrap(listed.first)
        let served = try cluster.get("/jobmanager/logs/\(newest)")
        XCTAssertEqual(served.status, 200)
        XCTAssertTrue(served.text.contains("\"logger\""), served.text.prefix(300).description)
        XCTAssertTrue(try cluster.get("/jobmanager/log").text.contains("\"level\""))
        XCTAssertEqual(try cluster.get("/jobmanager/logs/..%2F..%2Fetc%2Fpasswd").status, 404)
        XCTAssertEqual(try cluster.get("/jobmanager/logs/\(taskManager.first ?? "x")").status, 404, "a TaskManager's file is not the JobManager's")
        let standardError = cluster.log("jobmanager-0")
        XCTAssertFalse(standardError.contains("ended: FINISHED"), "lines went to the file, not standard error")
    }
}
