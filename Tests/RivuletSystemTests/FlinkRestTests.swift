// Flink's REST paths and JSON shapes on a real cluster running a real job: what Flink's
// clients and scripts call answers with the fields they read.

import Foundation
import XCTest

final class FlinkRestTests: XCTestCase {
    /// A checkpointed job on two TaskManagers, looked at through every Flink path, then a
    /// savepoint and a stop triggered by request id and polled, a bad request, and a cancel.
    func testFlinkPathsAnswerWithFlinksShapes() throws {
        let checkpoints = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-chk-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: checkpoints) }
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2,
            extra: ["execution.checkpointing.interval": "200 ms", "state.checkpoints.dir": checkpoints])
        let output = cluster.directory.appendingPathComponent("out")
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "2", "sequence-check", "--keys", "24", "--per-key", "100000", "--rate", "500", "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        try cluster.wait("a completed checkpoint") {
            ((try cluster.get("/jobs/\(id)/checkpoints").json["counts"] as? [String: Any])?["completed"] as? Int ?? 0) > 0
        }

        let overview = try cluster.get("/overview").json
        XCTAssertEqual(overview["taskmanagers"] as? Int, 2)
        XCTAssertEqual(overview["slots-total"] as? Int, 4)
        XCTAssertEqual(overview["slots-available"] as? Int, 2)
        XCTAssertEqual(overview["jobs-running"] as? Int, 1)
        XCTAssertNotNil(overview["flink-version"])
        XCTAssertEqual((try cluster.get("/config").json["features"] as? [String: Any])?["web-cancel"] as? Bool, true)

        let config = try XCTUnwrap(try JSONSerialization.jsonObject(with: cluster.get("/jobmanager/config").body) as? [[String: String]])
        XCTAssertTrue(config.contains { $0["key"] == "state.checkpoints.dir" && $0["value"] == checkpoints }, "\(config)")

        let jobs = try cluster.get("/jobs").json["jobs"] as? [[String: Any]] ?? []
        XCTAssertEqual(jobs.first?["id"] as? String, id)
        XCTAssertEqual(jobs.first?["status"] as? String, "RUNNING")
        let listed = try XCTUnwrap((try cluster.get("/jobs/overview").json["jobs"] as? [[String: Any]])?.first)
        XCTAssertEqual(listed["jid"] as? String, id)
        XCTAssertEqual(listed["name"] as? String, "sequence-check")
        XCTAssertEqual(listed["state"] as? String, "RUNNING")
        XCTAssertEqual((listed["tasks"] as? [String: Int])?["running"], 4, "\(listed)")
        XCTAssertEqual((listed["tasks"] as? [String: Int])?["total"], 4, "\(listed)")

        let job = try cluster.get("/jobs/\(id)").json
        XCTAssertEqual(job["jid"] as? String, id)
        XCTAssertEqual(job["state"] as? String, "RUNNING")
        let vertices = job["vertices"] as? [[String: Any]] ?? []
        XCTAssertEqual(vertices.count, 2, "source chain and keyed check: \(vertices.map { $0["name"] ?? "" })")
        XCTAssertTrue(vertices.allSatisfy { $0["parallelism"] as? Int == 2 && $0["status"] as? String == "RUNNING" })
        let reads = vertices.compactMap { ($0["metrics"] as? [String: Any])?["read-records"] as? Int }
        XCTAssertEqual(reads.count, 2)
        XCTAssertEqual((job["status-counts"] as? [String: Int])?["RUNNING"], 2)

        let plan = try XCTUnwrap(try cluster.get("/jobs/\(id)/plan").json["plan"] as? [String: Any])
        let nodes = plan["nodes"] as? [[String: Any]] ?? []
        XCTAssertEqual(nodes.count, 2)
        let inputs = nodes.compactMap { $0["inputs"] as? [[String: Any]] }.flatMap { $0 }
        XCTAssertEqual(inputs.map { $0["ship_strategy"] as? String }, ["HASH"], "the keyed check reads its input by key")

        let stats = try cluster.get("/jobs/\(id)/checkpoints").json
        let latest = try XCTUnwrap((stats["latest"] as? [String: Any])?["completed"] as? [String: Any])
        XCTAssertEqual(latest["status"] as? String, "COMPLETED")
        XCTAssertNotNil(latest["end_to_end_duration"] as? Int)
        let latestID = try XCTUnwrap(latest["id"] as? Int)
        XCTAssertEqual(try cluster.get("/jobs/\(id)/checkpoints/details/\(latestID)").json["id"] as? Int, latestID)
        XCTAssertEqual(try cluster.get("/jobs/\(id)/checkpoints/details/999999").status, 404)
        let checkpointConfig = try cluster.get("/jobs/\(id)/checkpoints/config").json
        XCTAssertEqual(checkpointConfig["mode"] as? String, "exactly_once")
        XCTAssertEqual(checkpointConfig["interval"] as? Int, 200)

        let vertexID = try XCTUnwrap(vertices.first?["id"] as? String)
        let vertex = try cluster.get("/jobs/\(id)/vertices/\(vertexID)").json
        XCTAssertEqual((vertex["subtasks"] as? [[String: Any]])?.count, 2)
        let pressure = try cluster.get("/jobs/\(id)/vertices/\(vertexID)/backpressure").json
        XCTAssertTrue(["ok", "low", "high"].contains(pressure["backpressure-level"] as? String ?? ""), "\(pressure)")
        XCTAssertEqual(try cluster.get("/jobs/\(id)/vertices/77").status, 404)
        XCTAssertEqual((try cluster.get("/jobs/\(id)/exceptions").json["exceptionHistory"] as? [String: Any])?["truncated"] as? Bool, false)

        let taskManagers = try cluster.get("/taskmanagers").json["taskmanagers"] as? [[String: Any]] ?? []
        XCTAssertEqual(taskManagers.count, 2)
        XCTAssertTrue(taskManagers.allSatisfy { $0["slotsNumber"] as? Int == 2 })
        let tmID = try XCTUnwrap(taskManagers.first?["id"] as? String)
        XCTAssertEqual(try cluster.get("/taskmanagers/\(tmID)").json["id"] as? String, tmID)

        // A savepoint by request id, polled until it completes.
        let savepoint = cluster.directory.appendingPathComponent("savepoint").path
        let trigger = try cluster.request(
            "POST", "/jobs/\(id)/savepoints", body: Data("{\"target-directory\": \"\(savepoint)\", \"cancel-job\": false}".utf8))
        XCTAssertEqual(trigger.status, 202, trigger.text)
        let request = try XCTUnwrap(trigger.json["request-id"] as? String)
        var location: String?
        try cluster.wait("the savepoint") {
            let status = try cluster.get("/jobs/\(id)/savepoints/\(request)").json
            guard (status["status"] as? [String: Any])?["id"] as? String == "COMPLETED" else { return false }
            location = (status["operation"] as? [String: Any])?["location"] as? String
            return true
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: (location ?? "?") + "/_metadata"), "\(location ?? "no location")")
        XCTAssertTrue(
            (location ?? "").hasPrefix(savepoint + "/savepoint-\(id.prefix(6))-"), "as Flink, a new directory under the target: \(location ?? "")")
        // The same target again: a second savepoint beside the first.
        let again = try cluster.request("POST", "/jobs/\(id)/savepoints", body: Data("{\"target-directory\": \"\(savepoint)\"}".utf8))
        let againID = try XCTUnwrap(again.json["request-id"] as? String)
        var second: String?
        try cluster.wait("the second savepoint") {
            let status = try cluster.get("/jobs/\(id)/savepoints/\(againID)").json
            second = (status["operation"] as? [String: Any])?["location"] as? String
            return second != nil
        }
        XCTAssertNotEqual(second, location)
        // A target that cannot be written: the operation completes with its failure cause.
        let refused = try cluster.request("POST", "/jobs/\(id)/savepoints", body: Data("{\"target-directory\": \"/proc/rivulet-no\"}".utf8))
        let refusedID = try XCTUnwrap(refused.json["request-id"] as? String)
        try cluster.wait("the refused savepoint") {
            let operation = try cluster.get("/jobs/\(id)/savepoints/\(refusedID)").json["operation"] as? [String: Any]
            return (operation?["failure-cause"] as? [String: Any])?["stack-trace"] as? String != nil
        }
        let drain = try cluster.request("POST", "/jobs/\(id)/stop", body: Data("{\"targetDirectory\": \"\(savepoint)\", \"drain\": true}".utf8))
        XCTAssertEqual(drain.status, 400, drain.text)
        XCTAssertEqual(try cluster.request("POST", "/jobs/\(id)/savepoints", body: Data("{}".utf8)).status, 400)
        XCTAssertEqual(try cluster.get("/jobs/\(id)/savepoints/nosuchtrigger").status, 404)

        // Cancel through Flink's PATCH; the job ends CANCELED and stays listed.
        XCTAssertEqual(try cluster.request("PATCH", "/jobs/\(id)?mode=cancel").status, 202)
        try cluster.wait("the job to end") { try cluster.get("/jobs/\(id)").json["state"] as? String == "CANCELED" }
        XCTAssertEqual((try cluster.get("/jobs/overview").json["jobs"] as? [[String: Any]])?.first?["state"] as? String, "CANCELED")
        XCTAssertEqual(try cluster.get("/jobs/nosuchjob").status, 404)
        // Rivulet's own paths still answer.
        XCTAssertEqual(try cluster.get("/v1/jobs/\(id)").json["status"] as? String, "CANCELED")
    }
}

final class JobStoreExpirationTests: XCTestCase {
    /// An ended job is listed with its final state until `jobstore.expiration-time` has passed
    /// since it ended, then forgotten.
    func testEndedJobsAreForgottenAfterTheExpirationTime() throws {
        let cluster = try ClusterFixture(taskManagers: 1, slots: 1, extra: ["jobstore.expiration-time": "5 s"])
        let run = try cluster.rivulet(["run", "-p", "1", "wordcount"])
        XCTAssertEqual(run.status, 0, run.output)
        let jobs = try cluster.get("/jobs/overview").json["jobs"] as? [[String: Any]] ?? []
        XCTAssertEqual(jobs.map { $0["state"] as? String }, ["FINISHED"])
        let id = try XCTUnwrap(jobs.first?["jid"] as? String)
        XCTAssertEqual(try cluster.get("/v1/jobs/\(id)").status, 200)
        try cluster.wait("the ended job to expire", seconds: 20) {
            (try cluster.get("/jobs/overview").json["jobs"] as? [Any])?.isEmpty == true
        }
        XCTAssertEqual(try cluster.get("/v1/jobs/\(id)").status, 404)
        XCTAssertEqual(try cluster.get("/overview").json["jobs-finished"] as? Int, 0)
    }
}
