// The SQL parser: the Nexmark queries as nexmark-flink writes them, operator precedence, DDL,
// the other statements, and errors that say what is wrong and where.

import RivuletNexmark
import RivuletSQL
import XCTest

final class SQLParserTests: XCTestCase {
    /// The nexmark-flink scripts with their placeholders filled as its runner fills them.
    static func script(_ text: String) -> String { NexmarkSQL.fill(text) }

    func insertQuery(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> SQLSelect {
        let statements = try SQLParser.parseScript(Self.script(text))
        guard case .insert(let insert)? = statements.last, case .select(let select) = insert.query else {
            XCTFail("the last statement is no INSERT ... SELECT", file: file, line: line)
            throw SQLError("no insert", at: SourcePosition(line: 0, column: 0))
        }
        return select
    }

    func testTheNexmarkDDLAndViewsParse() throws {
        let ddl = try SQLParser.parseScript(Self.script(NexmarkSQL.ddlGenerator))
        guard case .createTable(let table)? = ddl.first else { return XCTFail("expected CREATE TABLE") }
        XCTAssertEqual(table.name, "datagen")
        XCTAssertEqual(table.columns.map(\.name), ["event_type", "person", "auction", "bid", "dateTime"])
        XCTAssertEqual(table.columns[0].type, .int)
        guard case .row(let bid)? = table.columns[3].type else { return XCTFail("bid is a ROW") }
        XCTAssertEqual(bid.map(\.name), ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"])
        XCTAssertEqual(bid[5].type, .timestamp(precision: 3))
        XCTAssertNil(table.columns[4].type, "dateTime is computed")
        XCTAssertEqual(
            table.columns[4].computed?.description,
            "CASE WHEN (event_type = 0) THEN person.dateTime WHEN (event_type = 1) THEN auction.dateTime ELSE bid.dateTime END")
        XCTAssertEqual(table.watermark?.column, "dateTime")
        XCTAssertEqual(table.watermark?.expression.description, "(dateTime - INTERVAL '4' SECOND)")
        XCTAssertEqual(table.options.map(\.key).first, "connector")
        XCTAssertEqual(table.options.first?.value, "nexmark")
        XCTAssertEqual(table.options.count, 7)

        let views = try SQLParser.parseScript(Self.script(NexmarkSQL.ddlViews))
        XCTAssertEqual(views.count, 3)
        guard case .createView(let name, .select(let bidView), false, _) = views[2] else { return XCTFail("expected CREATE VIEW bid") }
        XCTAssertEqual(name, "bid")
        XCTAssertEqual(
            bidView.items.map(\.expression.description),
            ["bid.auction", "bid.bidder", "bid.price", "bid.channel", "bid.url", "dateTime", "bid.extra"])
        XCTAssertEqual(bidView.whereClause?.description, "(event_type = 2)")
    }

    func testEveryNexmarkQueryOfTheSQLScopeParses() throws {
        let queries = [
            NexmarkSQL.q0, NexmarkSQL.q1, NexmarkSQL.q2, NexmarkSQL.q11, NexmarkSQL.q12, NexmarkSQL.q15, NexmarkSQL.q16, NexmarkSQL.q17,
            NexmarkSQL.q18, NexmarkSQL.q19, NexmarkSQL.q21, NexmarkSQL.q22,
        ]
        for query in queries {
            let statements = try SQLParser.parseScript(Self.script(query))
            guard case .createTable(let sink)? = statements.first else { return XCTFail("a query script starts with its sink table") }
            XCTAssertEqual(sink.options.first?.value, "blackhole")
            guard case .insert(let insert)? = statements.last else { return XCTFail("a query script ends with its INSERT") }
            XCTAssertEqual(insert.table, sink.name)
        }
    }

    func testNexmarkQueryShapes() throws {
        // q1: arithmetic with an alias and a comment inside the select list.
        let q1 = try insertQuery(NexmarkSQL.q1)
        XCTAssertEqual(q1.items[2].expression.description, "(0.908 * price)")
        XCTAssertEqual(q1.items[2].alias, "price")
        // q2: a function in WHERE.
        XCTAssertEqual(try insertQuery(NexmarkSQL.q2).whereClause?.description, "(MOD(auction, 123) = 0)")
        // q11: a group window in GROUP BY.
        let q11 = try insertQuery(NexmarkSQL.q11)
        XCTAssertEqual(q11.groupBy.map(\.description), ["B.bidder", "SESSION(B.dateTime, INTERVAL '10' SECOND)"])
        guard case .table("bid", "B", _) = q11.from else { return XCTFail("q11 reads bid as B") }
        // q12: a window table-valued function.
        let q12 = try insertQuery(NexmarkSQL.q12)
        guard case .tableFunction(let tumble, nil, _) = q12.from else { return XCTFail("q12 reads TABLE(TUMBLE(...))") }
        XCTAssertEqual(tumble.description, "TUMBLE(TABLE B, DESCRIPTOR(p_time), INTERVAL '10' SECOND)")
        XCTAssertEqual(q12.groupBy.map(\.description), ["bidder", "window_start", "window_end"])
        // q15: FILTER and DISTINCT aggregates.
        let q15 = try insertQuery(NexmarkSQL.q15)
        XCTAssertEqual(q15.items[2].expression.description, "COUNT(*) FILTER (WHERE (price < 10000))")
        XCTAssertEqual(q15.items[7].expression.description, "COUNT(DISTINCT bidder) FILTER (WHERE ((price >= 10000) AND (price < 1000000)))")
        XCTAssertEqual(q15.items[0].alias, "day")
        // q18: deduplication through ROW_NUMBER over a subquery.
        let q18 = try insertQuery(NexmarkSQL.q18)
        guard case .subquery(.select(let inner), nil, _) = q18.from else { return XCTFail("q18 reads a subquery") }
        XCTAssertEqual(inner.items[1].expression.description, "ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC)")
        XCTAssertEqual(q18.whereClause?.description, "(rank_number <= 1)")
        // q21: CASE with functions, IS NOT NULL, IN.
        let q21 = try insertQuery(NexmarkSQL.q21)
        XCTAssertEqual(
            q21.whereClause?.description,
            "((REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2) IS NOT NULL) OR (LOWER(channel) IN ('apple', 'google', 'facebook', 'baidu')))")
        XCTAssertEqual(q21.items[4].alias, "channel_id")
    }

    func testOperatorsBindAsInSQL() throws {
        let select = try XCTUnwrap(selectOf("SELECT a + b * c = d AND NOT e OR f, -x || 'y', a NOT BETWEEN 1 AND 2, b NOT LIKE 'x%' FROM t"))
        XCTAssertEqual(
            select.items.map(\.expression.description),
            ["((((a + (b * c)) = d) AND NOT e) OR f)", "(-x || 'y')", "(a NOT BETWEEN 1 AND 2)", "(b NOT LIKE 'x%')"])
    }

    func testLiteralsCastsAndExtract() throws {
        let select = try XCTUnwrap(
            selectOf(
                "SELECT CAST(price AS DECIMAL(10, 2)), EXTRACT(HOUR FROM ts), TIMESTAMP '2024-01-01 00:00:00', INTERVAL '2' DAYS, 'it''s', 1.5e3, NULL, TRUE FROM t"
            ))
        XCTAssertEqual(
            select.items.map(\.expression.description),
            [
                "CAST(price AS DECIMAL(10, 2))", "EXTRACT(HOUR FROM ts)", "TIMESTAMP '2024-01-01 00:00:00'", "INTERVAL '2' DAY", "'it''s'",
                "1.5e3", "NULL", "TRUE",
            ])
    }

    func selectOf(_ text: String) throws -> SQLSelect? {
        guard case .query(.select(let select)) = try SQLParser.parseStatement(text) else { return nil }
        return select
    }

    func testCreateTableWithEveryPart() throws {
        let statement = try SQLParser.parseStatement(
            """
            CREATE TABLE IF NOT EXISTS orders (
              id BIGINT NOT NULL,
              amount DECIMAL(12, 2),
              ts TIMESTAMP_LTZ(3),
              note STRING,
              doubled AS amount * 2,
              WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
              PRIMARY KEY (id) NOT ENFORCED
            ) WITH ('connector' = 'filesystem', 'path' = '/data/orders', 'format' = 'csv')
            """)
        guard case .createTable(let table) = statement else { return XCTFail("expected CREATE TABLE") }
        XCTAssertTrue(table.ifNotExists)
        XCTAssertEqual(table.columns.map(\.name), ["id", "amount", "ts", "note", "doubled"])
        XCTAssertEqual(
            table.columns.compactMap(\.type), [.bigint, .decimal(precision: 12, scale: 2), .timestampLTZ(precision: 3), .varchar(length: nil)])
        XCTAssertTrue(table.columns[0].notNull)
        XCTAssertEqual(table.primaryKey, ["id"])
        XCTAssertEqual(table.options.map(\.key), ["connector", "path", "format"])
        XCTAssertEqual(table.columns[1].position, SourcePosition(line: 3, column: 3))
    }

    func testOtherStatements() throws {
        let statements = try SQLParser.parseScript(
            """
            SET 'table.exec.state.ttl' = '1 h';
            SHOW TABLES;
            DESCRIBE bid;
            EXPLAIN SELECT * FROM bid WHERE price > 10 UNION ALL SELECT * FROM bid WHERE price < 1;
            EXECUTE STATEMENT SET BEGIN
              INSERT INTO a SELECT * FROM bid;
              INSERT INTO b (x, y) SELECT auction, price FROM bid;
            END;
            """)
        XCTAssertEqual(statements.count, 5)
        guard case .set("table.exec.state.ttl", "1 h", _) = statements[0] else { return XCTFail("SET") }
        guard case .showTables = statements[1] else { return XCTFail("SHOW TABLES") }
        guard case .describe("bid", _) = statements[2] else { return XCTFail("DESCRIBE") }
        guard case .explain(.query(.unionAll(.select, .select)), _) = statements[3] else { return XCTFail("EXPLAIN of a UNION ALL") }
        guard case .statementSet(let inserts, _) = statements[4] else { return XCTFail("statement set") }
        XCTAssertEqual(inserts.map(\.table), ["a", "b"])
        XCTAssertEqual(inserts[1].columns, ["x", "y"])
    }

    func assertError(_ text: String, contains message: String, at line: Int, _ column: Int, file: StaticString = #filePath, sourceLine: UInt = #line)
    {
        XCTAssertThrowsError(try SQLParser.parseScript(text), file: file, line: sourceLine) { error in
            guard let error = error as? SQLError else { return XCTFail("not a SQLError: \(error)", file: file, line: sourceLine) }
            XCTAssertTrue(error.message.contains(message), "\(error)", file: file, line: sourceLine)
            XCTAssertEqual(error.position, SourcePosition(line: line, column: column), "\(error)", file: file, line: sourceLine)
        }
    }

    func testErrorsNameTheProblemAndWhereItIs() {
        assertError("SELECT a, b\nWHERE a > 1", contains: "expected FROM after the select list but found 'WHERE'", at: 2, 1)
        assertError("SELECT 'abc FROM t", contains: "string literal is not closed", at: 1, 8)
        assertError("CREATE TABLE t (\n  a VARCHAR2\n)", contains: "unknown type VARCHAR2", at: 2, 5)
        assertError("CREATE TABLE t (a INT, PRIMARY KEY (a))", contains: "NOT ENFORCED", at: 1, 39)
        assertError("SELECT a FROM t UNION SELECT a FROM u", contains: "write UNION ALL", at: 1, 23)
        assertError("CREATE TABLE t (a INT, WATERMARK FOR ts AS ts)", contains: "names column 'ts'", at: 1, 1)
        assertError("SELECT a FROM t;\nDROP TABLE t", contains: "expected a statement", at: 2, 1)
        assertError("SELECT a # b FROM t", contains: "unexpected character '#'", at: 1, 10)
        assertError("SELECT (SELECT 1 FROM t) FROM t", contains: "scalar subqueries are not supported", at: 1, 9)
        assertError("SELECT a FROM t; SELECT b FROM", contains: "expected a table name but found the end of the script", at: 1, 31)
    }
}
