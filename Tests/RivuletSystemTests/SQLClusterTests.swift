// SQL on a real HA cluster: a script submitted with `rivulet sql --submit` (the CLI finds the
// leader through ZooKeeper) runs as a job that the cluster keeps as SQL text, survives a
// killed leader and a killed TaskManager, and commits every row exactly once.

import Foundation
import RivuletTesting
import XCTest

final class SQLClusterTests: XCTestCase {
    func testSQLScriptSurvivesAKilledLeaderAndTaskManagerExactlyOnce() throws {
        let cluster = try ClusterFixture(
            taskManagers: 2, slots: 2, jobManagers: 2,
            extra: [
                "execution.checkpointing.interval": "300 ms",
                "state.checkpoints.dir": FileManager.default.temporaryDirectory.appendingPathComponent(
                    "rivulet-sql-chk-\(UUID().uuidString.prefix(8))"
                ).path,
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "20",
                "restart-strategy.fixed-delay.delay": "200 ms",
            ])
        let output = cluster.directory.appendingPathComponent("doubled")
        // A stateful statement in the same job: per second of event time (n * 10 ms), the count
        // and sum of the numbers, in window state that must survive the failures.
        let windows = cluster.directory.appendingPathComponent("per_second")
        let rows = 6000
        let script = cluster.directory.appendingPathComponent("double.sql")
        try """
        SET 'parallelism.default' = '2';
        CREATE TABLE numbers (n BIGINT, ts AS TO_TIMESTAMP_LTZ(n * 10, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH (
          'connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '\(rows)',
          'rows-per-second' = '500');
        CREATE TABLE doubled (n BIGINT, twice BIGINT, parity STRING)
          WITH ('connector' = 'filesystem', 'path' = '\(output.path)', 'format' = 'csv');
        CREATE TABLE per_second (window_start TIMESTAMP(3), numbers BIGINT, total BIGINT)
          WITH ('connector' = 'filesystem', 'path' = '\(windows.path)', 'format' = 'csv');
        EXECUTE STATEMENT SET BEGIN
        INSERT INTO doubled
        SELECT n, n * 2, CASE WHEN MOD(n, 2) = 0 THEN 'even' ELSE 'odd' END FROM numbers WHERE n > 0;
        INSERT INTO per_second
        SELECT window_start, COUNT(*), SUM(n) FROM TABLE(TUMBLE(TABLE numbers, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        GROUP BY window_start, window_end;
        END;
        """.write(to: script, atomically: true, encoding: .utf8)

        let run = try cluster.rivulet(["sql", "-f", script.path, "--submit"])
        XCTAssertEqual(run.status, 0, run.output)
        let id = try XCTUnwrap(
            run.output.split(separator: "\n").first { $0.hasPrefix("Job ID: ") }.map { String($0.dropFirst("Job ID: ".count)) }, run.output)
        try cluster.wait("a completed checkpoint") {
            (try cluster.get("/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.isEmpty == false
        }
        // Listed under the SQL job's name, with vertex names from the plan.
        let list = try cluster.rivulet(["list"])
        XCTAssertEqual(list.status, 0, list.output)
        XCTAssertTrue(list.output.contains(id) && list.output.contains("insert-into_doubled,per_second"), list.output)
        let vertices = try cluster.get("/v1/jobs/\(id)").json["vertices"] as? [[String: Any]] ?? []
        XCTAssertTrue(vertices.contains { ($0["name"] as? String)?.contains("Calc(select=[n, (n * 2) AS twice") == true }, "\(vertices)")
        XCTAssertEqual(vertices.first?["parallelism"] as? Int, 2, "SET 'parallelism.default' = '2' in the script")

        // The new leader plans the job again from the SQL text kept in ZooKeeper.
        let first = try XCTUnwrap(cluster.leader, "no JobManager leads")
        XCTAssertEqual(kill(try cluster.pid("jobmanager-\(first)"), SIGKILL), 0)
        try cluster.wait("the standby to lead and run the SQL job again", seconds: 60) {
            guard let now = cluster.leader, now != first else { return false }
            return try cluster.jobStatus(id) == "RUNNING"
        }
        let second = try XCTUnwrap(cluster.leader)
        XCTAssertTrue(
            cluster.log("jobmanager-\(second)").contains("recovered job 'sql' \(id)"), cluster.log("jobmanager-\(second)").suffix(3000).description)
        try cluster.restartDead(taskManagers: 2)
        // Then a TaskManager.
        try cluster.wait("another checkpoint under the new leader") {
            try (cluster.get("/v1/jobs/\(id)").json["checkpoints"] as? [Any])?.isEmpty == false && cluster.jobStatus(id) == "RUNNING"
        }
        XCTAssertEqual(kill(try cluster.taskManagerPID(0), SIGKILL), 0)
        try cluster.restartDead(taskManagers: 2)
        try cluster.wait("the SQL job to finish", seconds: 120) { try cluster.jobFinished(id) }

        let lines = try committedLines(in: output)
        XCTAssertEqual(lines.count, rows, "rows committed (duplicates or losses)")
        let expected = Set((1...rows).map { "\($0),\($0 * 2),\($0 % 2 == 0 ? "even" : "odd")" })
        XCTAssertEqual(Set(lines), expected)
        // Window k holds n = 100k ... 100k + 99 (n = 0 is not generated).
        let expectedWindows = (0...(rows / 100)).map { k -> String in
            let numbers = (max(1, k * 100)...min(rows, k * 100 + 99))
            let start = String(format: "1970-01-01 00:%02d:%02d", k / 60, k % 60)
            return "\"\(start)\",\(numbers.count),\(numbers.reduce(0, +))"  // quoted: the timestamp holds a space
        }
        XCTAssertEqual(try committedLines(in: windows).sorted(), expectedWindows.sorted(), "each window committed once, with every number")

        // POST /v1/sql: a script whose SQL is wrong is refused naming the line and column; a
        // good one runs.
        func post(_ body: [String: Any]) throws -> ClusterFixture.Response {
            try cluster.request("POST", "/v1/sql", body: try JSONSerialization.data(withJSONObject: body))
        }
        let bad = try post(["script": "CREATE TABLE t (n BIGINT) WITH ('connector' = 'blackhole');\nINSERT INTO t SELECT m FROM t;"])
        XCTAssertEqual(bad.status, 400, bad.text)
        XCTAssertTrue(bad.text.contains("column 'm' not found") && bad.text.contains("line 2, column 22"), bad.text)
        let small = cluster.directory.appendingPathComponent("small")
        let good = try post([
            "script": """
            CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '10');
            CREATE TABLE copy (n BIGINT) WITH ('connector' = 'filesystem', 'path' = '\(small.path)', 'format' = 'csv');
            INSERT INTO copy SELECT n FROM numbers;
            """
        ])
        XCTAssertEqual(good.status, 202, good.text)
        let smallID = try XCTUnwrap(good.json["jobID"] as? String, good.text)
        try cluster.wait("the script posted to /v1/sql to finish") { try cluster.jobFinished(smallID) }
        XCTAssertEqual(Set(try committedLines(in: small)), Set((1...10).map(String.init)))
    }
}
