// nexmark-flink's SQL (its ddl_gen.sql, ddl_views.sql and queries) on the nexmark connector
// writes the same rows as Rivulet's DataStream jobs of the same queries, at parallelism 1 and 4:
// the projections q0-q2 and q11's session windows (GROUP BY bidder, SESSION(...)).

import Foundation
import Rivulet
import RivuletNexmark
import RivuletSQL
import RivuletTesting
import XCTest

final class SQLNexmarkTests: XCTestCase {
    static let events: Int64 = 20_000
    static let rate: Int64 = 10_000_000

    /// The rows of query `name` in SQL, fields joined by `|` (CSV unquoted).
    func sql(_ name: String, parallelism: Int) throws -> [String] {
        let output = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let text = try XCTUnwrap(NexmarkSQL.script(name, events: Self.events, rate: Self.rate)).replacingOccurrences(
            of: "'connector' = 'blackhole'", with: "'connector' = 'filesystem', 'path' = '\(output)/result', 'format' = 'csv'")
        let script = try SQLScript(text, connectors: TableConnectors.builtIn.adding([NexmarkTableConnector()]))
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "\(parallelism)"]))
        try script.build(job: 0, into: env)
        _ = try env.execute("sql-\(name)")
        return try readPartFiles(output + "/result").map { Self.unquoted($0).joined(separator: "|") }
    }

    /// The same query as the DataStream job, in the same form.
    func dataStream(_ name: String, parallelism: Int) throws -> [String] {
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "\(parallelism)"]))
        let generator = try NexmarkGenerator(seed: 42, eventsPerSecond: Self.rate)
        let bids = try NexmarkSources(.generator(generator, events: Self.events, eventsPerSecond: nil)).bids(env)
        let values = CollectedValues<String>()
        switch name {
        case "q0": bids.map { "\($0.auction)|\($0.bidder)|\($0.price)|\(SQLTimestamp.formatSQL($0.dateTime))|\($0.extra)" }.collect(into: values)
        case "q1":
            NexmarkQueries.currencyConversion(bids).map {
                "\($0.auction)|\($0.bidder)|\(ValueText.formatDecimal($0.priceThousandths, scale: 3))|\(SQLTimestamp.formatSQL($0.dateTime))|\($0.extra)"
            }.collect(into: values)
        case "q11":
            try NexmarkQueries.userSessions(bids).map {
                "\($0.bidder)|\($0.bidCount)|\(SQLTimestamp.formatSQL($0.start))|\(SQLTimestamp.formatSQL($0.end))"
            }
            .collect(into: values)
        default: NexmarkQueries.selection(bids).map { "\($0.auction)|\($0.price)" }.collect(into: values)
        }
        _ = try env.execute("datastream-\(name)")
        return values.values
    }

    static func unquoted(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        for c in line {
            if c == "\"" {
                quoted.toggle()
            } else if c == "," && !quoted {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        return fields + [field]
    }

    func testQ0ToQ2AndQ11InSQLWriteTheRowsOfTheDataStreamJobs() throws {
        for name in ["q0", "q1", "q2", "q11"] {
            let expected = try dataStream(name, parallelism: 1).sorted()
            XCTAssertFalse(expected.isEmpty, name)
            for p in [1, 4] {
                let rows = try sql(name, parallelism: p).sorted()
                XCTAssertEqual(rows.count, expected.count, "\(name) at p=\(p)")
                XCTAssertEqual(rows, expected, "\(name) at p=\(p)")
            }
        }
    }

    /// q12 counts each bidder's bids per 10 s of processing time (PROCTIME() in a view): where
    /// the windows fall depends on the wall clock, but over all windows a bidder's counts add
    /// up to its bids.
    func testQ12ProcessingTimeWindowsCountEveryBidOnce() throws {
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "1"]))
        let generator = try NexmarkGenerator(seed: 42, eventsPerSecond: Self.rate)
        let values = CollectedValues<String>()
        try NexmarkSources(.generator(generator, events: Self.events, eventsPerSecond: nil)).bids(env).map { "\($0.bidder)" }.collect(into: values)
        _ = try env.execute("bidders")
        var expected: [String: Int] = [:]
        for b in values.values { expected[b, default: 0] += 1 }
        for p in [1, 4] {
            var counted: [String: Int] = [:]
            for row in try sql("q12", parallelism: p) {
                let fields = row.split(separator: "|").map(String.init)
                counted[fields[0], default: 0] += Int(fields[1]) ?? 0
            }
            XCTAssertEqual(counted, expected, "q12 at p=\(p)")
        }
    }
}
