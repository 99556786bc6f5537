// Mutual TLS between the cluster's processes (security.ssl.internal.*) with certificates made
// by bin/certs: the job runs across TaskManagers exactly once, and TaskManagers without a
// certificate, with one of another CA, or with an expired one cannot join; a data connection
// with a foreign certificate is refused and logged.

import Foundation
import XCTest
import RivuletTesting

final class InternalTLSTests: XCTestCase {
    func testOnlyProcessesWithTheClustersCertificatesTakePart() throws {
        let certificates = try TLSCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2,
            extra: certificates.settings.merging(["execution.checkpointing.interval": "300 ms"]) { $1 }.merging([
                "state.checkpoints.dir": certificates.directory.appendingPathComponent("chk").path
            ]) { $1 })
        defer { cluster.stop() }
        let keys = 16, perKey = 400
        let output = cluster.directory.appendingPathComponent("out")
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "4", "sequence-check", "--keys", "\(keys)", "--per-key", "\(perKey)", "--rate", "800",
            "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })

        // TaskManagers that try to join: without TLS, with another CA's certificate, with an expired one.
        let attackers: [(String, [String])] = [
            ("no certificate", ["-D", "security.ssl.internal.enabled=false"]),
            (
                "another CA's certificate",
                certificates.flags(certificate: certificates.foreign, key: certificates.foreignKey, ca: certificates.foreignCA)
            ),
            ("an expired certificate", certificates.flags(certificate: certificates.expired, key: certificates.expiredKey, ca: certificates.ca)),
        ]
        for (who, flags) in attackers {
            let log = cluster.directory.appendingPathComponent("attacker-\(UUID().uuidString.prefix(6)).log").path
            let pid = try TestProcess.spawn(
                ClusterFixture.binary, ["taskmanager", "--conf", cluster.confDirectory.path] + flags, environment: cluster.environment, output: log)
            Thread.sleep(forTimeInterval: 3)
            kill(pid, SIGKILL)
            _ = TestProcess.waitForExit(pid)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            XCTAssertTrue(text.contains("cannot register at the JobManager"), "a TaskManager with \(who) must not register: \(text.suffix(2000))")
            XCTAssertFalse(text.contains("registered at the ResourceManager"), "\(who): \(text.suffix(2000))")
        }
        XCTAssertEqual(try cluster.get("/v1/overview").json["taskManagers"] as? Int, 2, "no attacker joined")

        // A data connection with a foreign certificate: refused by the TaskManager, and logged.
        let dataPorts = (try cluster.get("/v1/taskmanagers").json["taskManagers"] as? [[String: Any]] ?? []).compactMap { $0["dataPort"] as? Int }
        let dataPort = try XCTUnwrap(dataPorts.first)
        _ = try TestProcess.run(
            "/usr/bin/openssl",
            [
                "s_client", "-connect", "127.0.0.1:\(dataPort)", "-cert", certificates.foreign, "-key", certificates.foreignKey, "-CAfile",
                certificates.ca,
            ], environment: ProcessInfo.processInfo.environment)
        try cluster.wait("the refusal to be logged", seconds: 15) {
            (0..<3).map { cluster.log("taskmanager-\($0)") }.joined().contains("refused a data connection from")
        }

        // The job, its records crossing TaskManagers over TLS, finishes exactly once.
        try cluster.wait("the job to finish", seconds: 120) { try cluster.jobFinished(id) }
        XCTAssertEqual(try exactlyOnceProblems(in: output, keys: keys, perKey: perKey), [])
    }
}

/// A cluster CA and a certificate for 127.0.0.1 made by bin/certs, plus an attacker's set:
/// another CA's certificate, and an expired certificate of the right CA.
struct TLSCertificates {
    let directory: URL
    var ca: String { directory.appendingPathComponent("tls/ca.pem").path }
    var certificate: String { directory.appendingPathComponent("tls/127.0.0.1.pem").path }
    var key: String { directory.appendingPathComponent("tls/127.0.0.1-key.pem").path }
    var expired: String { directory.appendingPathComponent("tls/expired.local.pem").path }
    var expiredKey: String { directory.appendingPathComponent("tls/expired.local-key.pem").path }
    var foreignCA: String { directory.appendingPathComponent("other/ca.pem").path }
    var foreign: String { directory.appendingPathComponent("other/127.0.0.1.pem").path }
    var foreignKey: String { directory.appendingPathComponent("other/127.0.0.1-key.pem").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-tls-\(UUID().uuidString.prefix(8))")
        let certs = TestProcess.repositoryRoot.appendingPathComponent("bin/certs").path
        let environment = ProcessInfo.processInfo.environment
        for arguments in [
            ["--out", directory.appendingPathComponent("tls").path, "127.0.0.1"],
            [
                "--out", directory.appendingPathComponent("tls").path, "--not-before", "20200101000000Z", "--not-after", "20200102000000Z",
                "expired.local",
            ],
            ["--out", directory.appendingPathComponent("other").path, "127.0.0.1"],
        ] {
            let made = try TestProcess.run(certs, arguments, environment: environment)
            guard made.status == 0 else { throw FixtureError("bin/certs \(arguments.joined(separator: " ")) failed: \(made.output)") }
        }
    }

    /// The configuration of a process presenting the cluster's certificate for 127.0.0.1.
    var settings: [String: String] {
        [
            "security.ssl.internal.enabled": "true", "security.ssl.internal.cert": certificate, "security.ssl.internal.key": key,
            "security.ssl.internal.ca": ca,
        ]
    }

    func flags(certificate: String, key: String, ca: String) -> [String] {
        [
            "-D", "security.ssl.internal.cert=\(certificate)", "-D", "security.ssl.internal.key=\(key)", "-D",
            "security.ssl.internal.ca=\(ca)",
        ]
    }
}

/// HTTPS for the REST API (security.ssl.rest.*): clients that trust the cluster's CA get
/// answers; plain HTTP and clients that do not trust it get none.
final class RestTLSTests: XCTestCase {
    func testTheRESTAPIAnswersOnlyOverHTTPSToClientsThatTrustItsCA() throws {
        let certificates = try TLSCertificates()
        defer { try? FileManager.default.removeItem(at: certificates.directory) }
        let rest = try TestProcess.freePort(), rpc = try TestProcess.freePort()
        let empty = certificates.directory.appendingPathComponent("conf")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let log = certificates.directory.appendingPathComponent("jobmanager.log").path
        let pid = try TestProcess.spawn(
            ClusterFixture.binary,
            [
                "jobmanager", "--conf", empty.path, "-D", "rest.port=\(rest)", "-D", "jobmanager.rpc.port=\(rpc)", "-D",
                "security.ssl.rest.enabled=true", "-D", "security.ssl.rest.cert=\(certificates.certificate)", "-D",
                "security.ssl.rest.key=\(certificates.key)",
            ], environment: ProcessInfo.processInfo.environment, output: log)
        defer {
            kill(pid, SIGTERM)
            _ = TestProcess.waitForExit(pid)
        }
        func curl(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try TestProcess.run("/usr/bin/curl", ["-s", "--max-time", "5"] + arguments, environment: ProcessInfo.processInfo.environment)
        }
        var answer = (status: Int32(-1), output: "")
        for _ in 0..<100 where answer.status != 0 {
            answer = try curl(["--cacert", certificates.ca, "https://127.0.0.1:\(rest)/v1/overview"])
            if answer.status != 0 { usleep(100_000) }
        }
        XCTAssertEqual(answer.status, 0, "HTTPS with the cluster's CA: \(answer.output) \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        XCTAssertTrue(answer.output.contains("leaderSessionID"), answer.output)
        XCTAssertNotEqual(try curl(["http://127.0.0.1:\(rest)/v1/overview"]).status, 0, "plain HTTP gets no answer")
        XCTAssertEqual(try curl(["https://127.0.0.1:\(rest)/v1/overview"]).status, 60, "without the CA the certificate is not trusted")
        XCTAssertNotEqual(try curl(["--cacert", certificates.foreignCA, "https://127.0.0.1:\(rest)/v1/overview"]).status, 0)

        // The CLI speaks HTTPS with the CA of its configuration, and refuses a server it cannot verify.
        let base = ["list", "-m", "127.0.0.1:\(rest)", "--conf", empty.path, "-D", "security.ssl.rest.enabled=true"]
        let trusted = try TestProcess.run(
            ClusterFixture.binary, base + ["-D", "security.ssl.rest.ca=\(certificates.ca)"], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(trusted.status, 0, trusted.output)
        XCTAssertTrue(trusted.output.contains("No jobs"), trusted.output)
        let untrusted = try TestProcess.run(
            ClusterFixture.binary, base + ["-D", "security.ssl.rest.ca=\(certificates.foreignCA)"],
            environment: ProcessInfo.processInfo.environment)
        XCTAssertNotEqual(untrusted.status, 0, untrusted.output)
        XCTAssertTrue(untrusted.output.contains("CERTIFICATE_VERIFY_FAILED"), untrusted.output)

        // The Web UI over HTTPS (this browser is told to accept the test CA's certificate).
        let page = try Browser().load(
            "https://127.0.0.1:\(rest)/#/", screenshot: "https-overview", extraFlags: ["--ignore-certificate-errors"])
        XCTAssertEqual(Browser.text(ofElementWithID: "overview-taskmanagers", in: page), "0", page)
    }
}
