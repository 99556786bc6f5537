// Attackers against a real cluster: REST calls without the token or with a wrong one, paths
// outside the allowed directories, more jobs than allowed. Each is refused, logged, and
// changes nothing; the cluster's own CLI and Web UI work with the token.

import Foundation
import XCTest
import RivuletTesting

final class SecurityTests: XCTestCase {
    static let token = "s3cret-token-0123456789"

    func testRequestsWithoutTheTokenOrOutsideTheAllowedDirectoriesAreRefusedAndChangeNothing() throws {
        let allowed = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-allowed-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: allowed, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: allowed) }
        let cluster = try ClusterFixture(
            taskManagers: 1, slots: 2,
            extra: [
                "security.rest.authentication.token": Self.token, "security.allowed-directories": allowed.path,
                "security.max-running-jobs": "1", "state.checkpoints.dir": allowed.appendingPathComponent("chk").path,
                "execution.checkpointing.interval": "300 ms",
            ])
        defer { cluster.stop() }
        let port = cluster.restPort
        func call(_ method: String, _ path: String, _ body: String? = nil, token: String? = SecurityTests.token) throws -> ClusterFixture.Response {
            try ClusterFixture.request(method, port: port, path, body: body.map { Data($0.utf8) }, timeout: 15, token: token)
        }

        // Without the token, or with a wrong one: 401 on every data path, reads and writes alike.
        for token in [nil, "wrong-token-0123456789", Self.token + "x"] {
            for (method, path, body) in [
                ("GET", "/v1/overview", nil), ("GET", "/overview", nil), ("GET", "/jobs/overview", nil), ("GET", "/metrics", nil),
                ("GET", "/jobmanager/config", nil), ("GET", "/taskmanagers", nil),
                ("POST", "/v1/jobs", "{\"job\": \"wordcount\"}"),
            ] {
                let answer = try call(method, path, body, token: token)
                XCTAssertEqual(answer.status, 401, "\(method) \(path) with \(token ?? "no token"): \(answer.text)")
                XCTAssertTrue(answer.text.contains("Bearer"), answer.text)
            }
        }
        XCTAssertEqual((try call("GET", "/v1/jobs").json["jobs"] as? [Any])?.count, 0, "no job was submitted")
        // The Web UI's static files need no token (they hold no data).
        XCTAssertEqual(try call("GET", "/", token: nil).status, 200)
        XCTAssertEqual(try call("GET", "/web/app.js", token: nil).status, 200)
        XCTAssertEqual(try call("GET", "/v1/overview").status, 200)

        // Paths outside the allowed directory, plainly or through '..': 403, naming the path.
        let evil = "/etc/rivulet-evil-\(UUID().uuidString.prefix(8))"
        for (arguments, configuration, savepoint) in [
            (["--output", evil], "{}", "null"),
            (["--output", allowed.path + "/../../etc/rivulet-evil"], "{}", "null"),
            (["--input", "/etc/passwd"], "{}", "null"),
            ([], "{\"state.checkpoints.dir\": \"\(evil)\"}", "null"),
            ([], "{}", "\"/etc\""),
        ] {
            let body =
                "{\"job\": \"wordcount\", \"arguments\": \(try String(decoding: JSONEncoder().encode(arguments), as: UTF8.self)), \"configuration\": \(configuration), \"savepointPath\": \(savepoint)}"
            let answer = try call("POST", "/v1/jobs", body)
            XCTAssertEqual(answer.status, 403, "\(body): \(answer.text)")
            XCTAssertTrue((answer.json["error"] as? String ?? "").contains("allowed directories"), answer.text)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: evil))
        XCTAssertEqual((try call("GET", "/v1/jobs").json["jobs"] as? [Any])?.count, 0, "no job was submitted")

        // Inside the allowed directory the same job runs; a savepoint outside it is refused.
        let output = allowed.appendingPathComponent("out").path
        let run = try call(
            "POST", "/v1/jobs",
            "{\"job\": \"sequence-check\", \"arguments\": [\"--per-key\", \"1000000\", \"--rate\", \"500\", \"--output\", \"\(output)\"]}")
        XCTAssertEqual(run.status, 202, run.text)
        let id = try XCTUnwrap(run.json["jobID"] as? String)
        try cluster.wait("the job to run") { try call("GET", "/v1/jobs/\(id)").json["status"] as? String == "RUNNING" }
        for (path, body) in [
            ("/jobs/\(id)/savepoints", "{\"target-directory\": \"/etc\"}"), ("/jobs/\(id)/stop", "{\"targetDirectory\": \"\(allowed.path)/../..\"}"),
            ("/v1/jobs/\(id)/savepoints", "{\"directory\": \"/etc/sp\"}"),
        ] {
            let answer = try call("POST", path, body)
            XCTAssertEqual(answer.status, 403, "\(path): \(answer.text)")
        }
        XCTAssertEqual(try call("GET", "/v1/jobs/\(id)").json["status"] as? String, "RUNNING", "the refused stop did not stop it")
        // More jobs than security.max-running-jobs: 429.
        let second = try call("POST", "/v1/jobs", "{\"job\": \"wordcount\"}")
        XCTAssertEqual(second.status, 429, second.text)

        // The cluster's CLI reads the token from its configuration; without it, it is refused.
        let list = try cluster.rivulet(["list"])
        XCTAssertEqual(list.status, 0, list.output)
        XCTAssertTrue(list.output.contains(id), list.output)
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-noconf-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        var environment = ProcessInfo.processInfo.environment
        environment["RIVULET_REST_TOKEN"] = nil
        let anonymous = try TestProcess.run(
            ClusterFixture.binary, ["list", "-m", "127.0.0.1:\(port)", "--conf", empty.path], environment: environment)
        XCTAssertNotEqual(anonymous.status, 0, anonymous.output)
        XCTAssertTrue(anonymous.output.contains("401"), anonymous.output)
        environment["RIVULET_REST_TOKEN"] = Self.token
        let withEnvironment = try TestProcess.run(
            ClusterFixture.binary, ["list", "-m", "127.0.0.1:\(port)", "--conf", empty.path], environment: environment)
        XCTAssertEqual(withEnvironment.status, 0, withEnvironment.output)

        // The Web UI: without the token it asks for one and shows nothing; with it, the job.
        let browser = try Browser()
        let refused = try browser.load("http://127.0.0.1:\(port)/#/jobs", screenshot: "signed-out", requireDrawn: false)
        XCTAssertTrue(refused.contains("<form id=\"login\" class=\"login\">"), "the sign-in form is shown: \(refused)")
        XCTAssertFalse(refused.contains(id), refused)
        let signedIn = try browser.load("http://127.0.0.1:\(port)/?token=\(Self.token)#/jobs", screenshot: "signed-in")
        XCTAssertTrue(Browser.elements(withClass: "job-row", in: signedIn).contains { $0.contains(id) }, signedIn)

        // Every refusal was logged.
        let log = cluster.log("jobmanager-0") + cluster.log("jobmanager-1")
        XCTAssertTrue(log.contains("refused POST /v1/jobs: no credentials"), String(log.suffix(3000)))
        XCTAssertTrue(log.contains("refused GET /v1/overview: wrong credentials"), String(log.suffix(3000)))
        XCTAssertTrue(log.contains("outside the allowed directories"), String(log.suffix(3000)))
        XCTAssertEqual(try call("PATCH", "/jobs/\(id)?mode=cancel").status, 202)
    }
}
