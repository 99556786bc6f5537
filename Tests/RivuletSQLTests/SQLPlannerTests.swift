// The planner and the session: names, types and unsupported clauses are errors at their line
// and column; DESCRIBE, SHOW TABLES and EXPLAIN say what the catalog and the plan hold;
// projections are pushed into sources and Calcs fuse.

import RivuletSQL
import XCTest

final class SQLPlannerTests: XCTestCase {
    static let ddl = """
        CREATE TABLE t (
          id BIGINT,
          name STRING,
          price DECIMAL(10, 2),
          r ROW<a INT, b STRING>,
          ts TIMESTAMP(3),
          cents AS price * 100,
          WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
        ) WITH ('connector' = 'filesystem', 'format' = 'json', 'path' = '\(#filePath)');
        CREATE TABLE out (id BIGINT, label STRING) WITH ('connector' = 'blackhole');

        """

    /// The error of the last statement of `ddl + text`.
    func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> SQLError? {
        do {
            _ = try SQLScript(Self.ddl + text)
            XCTFail("no error for: \(text)", file: file, line: line)
            return nil
        } catch let e as SQLError {
            return e
        } catch {
            XCTFail("not a SQLError: \(error)", file: file, line: line)
            return nil
        }
    }

    func testNamesAndTypesAreCheckedWithTheirPosition() throws {
        let e = try XCTUnwrap(error("INSERT INTO out SELECT id, nme FROM t;"))
        XCTAssertEqual(e.position, SourcePosition(line: 11, column: 28))
        XCTAssertTrue(e.message.contains("column 'nme' not found") && e.message.contains("columns: id, name, price, r, ts, cents"), e.message)
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM T;")).message.contains("names are case-sensitive; there is 't'"))
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, r.c FROM t;")).message.contains("has no field 'c'"))
        let mismatch = try XCTUnwrap(error("INSERT INTO out SELECT name, id FROM t;"))
        XCTAssertTrue(mismatch.message.contains("column 'id' is BIGINT but the query gives STRING"), mismatch.message)
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, name || 1 FROM t;")).message.contains("'||' needs strings"))
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM t WHERE price;")).message.contains("WHERE needs a BOOLEAN"))
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, UPPERR(name) FROM t;")).message.contains("unknown function UPPERR"))
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id FROM t;")).message.contains("the query has 1 columns, the table has 2"))
        XCTAssertTrue(
            try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM t WHERE ts > 5;")).message.contains("cannot combine TIMESTAMP(3) and INT"))
    }

    func testUnsupportedClausesSaySoAtTheClause() throws {
        let window = try XCTUnwrap(
            error("INSERT INTO out SELECT id, name FROM TABLE(SLIDE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND));"))
        XCTAssertTrue(window.message.contains("window table function SLIDE is not supported (TUMBLE, HOP, CUMULATE and SESSION are)"), window.message)
        XCTAssertEqual(window.position, SourcePosition(line: 11, column: 38))
        XCTAssertTrue(
            try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND));")).message
                .contains("can only be aggregated yet"))
        XCTAssertTrue(
            try XCTUnwrap(
                error(
                    "INSERT INTO out SELECT 1, CAST(COUNT(*) AS STRING) FROM TABLE(SESSION(TABLE t PARTITION BY id, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;"
                )
            ).message.contains("the aggregation must GROUP BY id too"))
        XCTAssertTrue(
            try XCTUnwrap(
                error(
                    "INSERT INTO out SELECT name, CAST(COUNT(*) AS STRING) FROM TABLE(SESSION(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, name;"
                )
            ).message.contains("groups by window_start, window_end and the PARTITION BY columns only (none here: sessions span the table)"))
        XCTAssertTrue(
            try XCTUnwrap(
                error(
                    "INSERT INTO out SELECT name, CAST(COUNT(*) AS STRING) FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '7' SECOND, INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, name;"
                )
            ).message.contains("CUMULATE's size (60000 ms) must be a whole multiple of its step (7000 ms)"))
        XCTAssertTrue(
            try XCTUnwrap(
                error("INSERT INTO out SELECT id, name FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(id), INTERVAL '10' SECOND)) GROUP BY id, name;")
            )
            .message.contains("must name the event-time attribute"))
        XCTAssertTrue(
            try XCTUnwrap(
                error("INSERT INTO out SELECT id, name FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY id, name;")
            )
            .message.contains("must GROUP BY window_start, window_end"))
        // SELECT DISTINCT * groups by every column (here a ROW column, which cannot be a key).
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT DISTINCT * FROM t;")).message.contains("GROUP BY a ROW value is not supported"))
        let distinct = try SQLScript(Self.ddl + "EXPLAIN INSERT INTO out SELECT DISTINCT * FROM (SELECT id, name FROM t) AS s;")
        guard case .text(let plan)? = distinct.results.last else { return XCTFail("no EXPLAIN text") }
        XCTAssertTrue(plan.contains("GroupAggregate(groupBy=[id, name], select=[id, name])"), plan)
        let ungrouped = try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM t GROUP BY id;"))
        XCTAssertTrue(ungrouped.message.contains("column 'name' is neither grouped nor aggregated"), ungrouped.message)
        XCTAssertTrue(
            try XCTUnwrap(
                error(
                    "CREATE TABLE f (id BIGINT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv');\nINSERT INTO f SELECT id, COUNT(*) FROM t GROUP BY id;"
                )
            )
            .message.contains("takes only inserts, but the query produces updates"))
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM t ORDER BY id;")).message.contains("ORDER BY"))
        XCTAssertTrue(
            try XCTUnwrap(error("INSERT INTO out SELECT a.id, b.name FROM t a JOIN t b ON a.id = b.id;")).message.contains(
                "JOIN is not supported yet"))
        XCTAssertTrue(
            try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM t WHERE COUNT(*) > 1;")).message.contains(
                "aggregate function COUNT is not allowed here"))
        XCTAssertTrue(try XCTUnwrap(error("CREATE TABLE d (x DATE) WITH ('connector' = 'blackhole');")).message.contains("DATE is not supported yet"))
        XCTAssertTrue(try XCTUnwrap(error("CREATE TABLE k (x INT) WITH ('connector' = 'kafka');")).message.contains("unknown connector 'kafka'"))
        XCTAssertTrue(
            try XCTUnwrap(error("CREATE TABLE f (x INT) WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv', 'pth' = 'y');"))
                .message
                .contains("has no option 'pth'"))
        XCTAssertTrue(
            try XCTUnwrap(error("CREATE TABLE w (x TIMESTAMP(3), WATERMARK FOR x AS x + INTERVAL '1' SECOND) WITH ('connector' = 'blackhole');"))
                .message
                .contains("a bounded delay"))
    }

    func testDescribeShowAndExplain() throws {
        let script = try SQLScript(
            Self.ddl + """
                CREATE VIEW v AS SELECT id, name, r.b AS b FROM t WHERE id > 3;
                SHOW TABLES;
                DESCRIBE t;
                EXPLAIN INSERT INTO out SELECT id, UPPER(b) FROM v WHERE id < 8;
                """)
        let texts = script.results.compactMap { r -> String? in
            if case .text(let t) = r { return t }
            return nil
        }
        XCTAssertEqual(texts.count, 3)
        XCTAssertEqual(texts[0], "out\nt\nv")
        XCTAssertTrue(texts[1].contains("ts\tTIMESTAMP(3)\tWATERMARK AS ts - 2000ms"), texts[1])
        XCTAssertTrue(texts[1].contains("cents\tDECIMAL(20, 2)\tAS (price * 100)"), texts[1])
        let explain = texts[2]
        // The view's filter and projection and the query's are one Calc.
        XCTAssertTrue(explain.contains("Calc(select=[id, UPPER(r.b) AS label], where=[((id > 3) AND (id < 8))])"), explain)
        // Only the columns and ROW fields the plan reads (and the rowtime) are read.
        XCTAssertTrue(explain.contains("read=[id, r.b, ts]"), explain)
        XCTAssertTrue(explain.contains("== Job Graph (operators chained into tasks) =="), explain)
        XCTAssertTrue(
            explain.contains("Task 1 (parallelism 1): TableSourceScan(table=[t], file=[SQLPlannerTests.swift]) -> WatermarkAssigner(rowtime=[ts]"),
            explain)
        XCTAssertEqual(script.jobs.count, 0, "EXPLAIN runs nothing")
    }

    /// ROW_NUMBER() OVER (...) runs as Top-N or deduplication only where the query around it
    /// bounds the row number; the plan says which, and what else is an error.
    func testTopNAndDeduplicationPlans() throws {
        let ranked = "SELECT *, ROW_NUMBER() OVER (PARTITION BY name ORDER BY price DESC) AS rn FROM t"
        let unbounded = try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM (\(ranked)) WHERE rn > 2;"))
        XCTAssertTrue(unbounded.message.contains("needs an upper bound on the row number"), unbounded.message)
        XCTAssertEqual(unbounded.position, SourcePosition(line: 11, column: 49))
        XCTAssertTrue(try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM (\(ranked));")).message.contains("needs an upper bound"))
        XCTAssertTrue(
            try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM (SELECT *, RANK() OVER (ORDER BY ts) AS r FROM t) WHERE r <= 2;")).message
                .contains("RANK() OVER (...) is not supported yet"))
        XCTAssertTrue(
            try XCTUnwrap(error("INSERT INTO out SELECT id, name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id) AS r FROM t) WHERE r <= 2;"))
                .message.contains("needs an ORDER BY"))
        // An aggregation over a Top-N's changelog takes rows back; a group window cannot.
        XCTAssertNoThrow(
            try SQLScript(Self.ddl + "INSERT INTO out SELECT id, CAST(MAX(price) AS STRING) FROM (\(ranked)) WHERE rn <= 3 GROUP BY id;"))
        let windowed = try XCTUnwrap(
            error("INSERT INTO out SELECT id, CAST(COUNT(*) AS STRING) FROM (\(ranked)) WHERE rn <= 3 GROUP BY id, TUMBLE(ts, INTERVAL '1' MINUTE);"))
        XCTAssertTrue(windowed.message.contains("a group window over an updating input is not supported"), windowed.message)
        let script = try SQLScript(
            Self.ddl + """
                CREATE TABLE ranked (id BIGINT, name STRING, rn BIGINT) WITH ('connector' = 'blackhole');
                EXPLAIN INSERT INTO ranked SELECT id, name, rn FROM (\(ranked)) WHERE rn <= 3 AND id > 0;
                EXPLAIN INSERT INTO out SELECT id, name FROM (\(ranked)) WHERE rn = 1;
                EXPLAIN INSERT INTO out SELECT id, name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1;
                EXPLAIN INSERT INTO out SELECT id, name FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY ts) AS rn FROM t) WHERE rn = 1;
                """)
        let texts = script.results.compactMap { r -> String? in
            if case .text(let t) = r { return t }
            return nil
        }
        XCTAssertEqual(texts.count, 4)
        // The rest of the WHERE filters the Top-N's changelog.
        XCTAssertTrue(
            texts[0].contains(
                "Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[name], orderBy=[price DESC], select=[id, name, price, r, ts, cents, rn])"
            ), texts[0])
        XCTAssertTrue(texts[0].contains("where=[(id > 0)]"), texts[0])
        // Nobody reads the row number: it is left out.
        XCTAssertTrue(texts[1].contains("rankEnd=1], partitionBy=[name], orderBy=[price DESC], select=[id, name, price, r, ts, cents])"), texts[1])
        XCTAssertTrue(texts[2].contains("Deduplicate(keep=[LastRow], key=[id], order=[ROWTIME])"), texts[2])
        XCTAssertTrue(texts[3].contains("Deduplicate(keep=[FirstRow], key=[id], order=[ROWTIME])"), texts[3])
    }

    func testJobsOfAScript() throws {
        let script = try SQLScript(
            Self.ddl + """
                SET 'parallelism.default' = '3';
                INSERT INTO out SELECT id, name FROM t;
                EXECUTE STATEMENT SET BEGIN
                  INSERT INTO out SELECT id, name FROM t WHERE id = 1;
                  INSERT INTO out SELECT id, 'x' FROM t;
                END;
                SELECT id FROM t;
                """)
        XCTAssertEqual(script.jobs.map(\.name), ["insert-into_out", "insert-into_out,out", "collect"])
        XCTAssertEqual(script.jobs[1].inserts.count, 2)
        XCTAssertEqual(script.configuration(job: 0), ["parallelism.default": "3"])
    }
}
