// A deliberately slow stage: memory stays bounded and the REST API shows the upstream
// vertices as backpressured; cancelling through the CLI stops the job.

import Foundation
import XCTest

final class BackpressureTests: XCTestCase {
    /// Resident memory of a process in KiB (Linux /proc).
    func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    func testSlowStageBackpressuresUpstreamWithBoundedMemory() throws {
        let cluster = try ClusterFixture(taskManagers: 2, slots: 2)
        let output = cluster.directory.appendingPathComponent("out")
        // 10^9 events: far more than the slow stage can take while the test watches.
        let run = try cluster.rivulet([
            "run", "--detached", "-p", "2", "sequence-check", "--keys", "1000", "--per-key", "1000000",
            "--sink-delay-us", "500", "--output", output.path,
        ])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(run.output.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        var pressured: [String: Any] = [:]
        try cluster.wait("the source to show high backpressure", seconds: 60) {
            let vertices = try cluster.get("/v1/jobs/\(id)").json["vertices"] as? [[String: Any]] ?? []
            guard let source = vertices.first(where: { ($0["name"] as? String ?? "").contains("Sequence Source") }) else { return false }
            pressured = source
            return source["backPressure"] as? String == "high"
        }
        let slow = try XCTUnwrap(
            (try cluster.get("/v1/jobs/\(id)").json["vertices"] as? [[String: Any]])?
                .first { ($0["name"] as? String ?? "").contains("Slow Stage") })
        XCTAssertNotEqual(slow["backPressure"] as? String, "high", "the slow stage itself is not blocked on output: \(slow)")
        XCTAssertGreaterThan(pressured["recordsOut"] as? Int ?? 0, 0)

        // Memory stays bounded while the source keeps producing against a slow consumer.
        let pids = try (0..<2).map { try cluster.taskManagerPID($0) }
        let before = pids.map(residentKiB).reduce(0, +)
        Thread.sleep(forTimeInterval: 5)
        let after = pids.map(residentKiB).reduce(0, +)
        XCTAssertLessThan(after - before, 64 * 1024, "TaskManagers grew from \(before) KiB to \(after) KiB in 5 s")

        let cancel = try cluster.rivulet(["cancel", id])
        XCTAssertEqual(cancel.status, 0, cancel.output)
        try cluster.wait("the job to be cancelled") { try cluster.jobStatus(id) == "CANCELED" }
        let info = try cluster.rivulet(["info", id])
        XCTAssertTrue(info.output.contains("CANCELED"), info.output)
    }
}
