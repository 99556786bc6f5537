// nexmark-flink's SQL (its ddl_gen.sql, ddl_views.sql and queries) on the nexmark connector
// writes the same rows as Rivulet's DataStream jobs of the same queries, at parallelism 1 and 4:
// the projections q0-q2 and q11's session windows (GROUP BY bidder, SESSION(...)); q18's
// deduplication and q19's Top-N end in the table the bids make.

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

    /// The changelog query `name` prints (its blackhole table made a print table), applied: the
    /// rows it leaves, fields joined by `|`.
    func changelog(_ name: String, parallelism: Int, rate: Int64) throws -> [String] {
        let text = try XCTUnwrap(NexmarkSQL.script(name, events: Self.events, rate: rate)).replacingOccurrences(
            of: "'connector' = 'blackhole'", with: "'connector' = 'print'")
        let printed = CollectedValues<String>()
        let script = try SQLScript(
            text, connectors: TableConnectors.builtIn.adding([NexmarkTableConnector(), CollectingPrintConnector(into: printed)]))
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "\(parallelism)"]))
        try script.build(job: 0, into: env)
        _ = try env.execute("sql-\(name)")
        XCTAssertTrue(printed.values.contains { $0.hasPrefix("-U[") || $0.hasPrefix("-D[") }, "\(name) retracts rows")
        return SQLGoldenTests.materialized(printed.values).map { $0.dropFirst().dropLast().replacingOccurrences(of: ", ", with: "|") }
    }

    /// q18 keeps each bidder's last bid per auction (ROW_NUMBER() over `dateTime` DESC, a
    /// deduplication) and q19 each auction's ten highest bids with their rank (a Top-N): the
    /// tables their changelogs leave are those the bids make. One event per millisecond, so
    /// no two bids tie on time; prices may tie, so q19 is compared by its prices.
    func testQ18DeduplicationAndQ19TopNEndInTheTablesOfTheBids() throws {
        let rate: Int64 = 1000
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "1"]))
        let generator = try NexmarkGenerator(seed: 42, eventsPerSecond: rate)
        let collected = CollectedValues<Bid>()
        try NexmarkSources(.generator(generator, events: Self.events, eventsPerSecond: nil)).bids(env).collect(into: collected)
        _ = try env.execute("bids")
        let bids = collected.values
        var last: [String: Bid] = [:]
        var byAuction: [Int64: [Int64]] = [:]
        for bid in bids {
            byAuction[bid.auction, default: []].append(bid.price)
            let key = "\(bid.bidder)|\(bid.auction)"
            if let kept = last[key], kept.dateTime > bid.dateTime { continue }
            last[key] = bid
        }
        let expectedLast = last.values.map { "\($0.auction)|\($0.bidder)|\($0.price)|\(SQLTimestamp.formatISO($0.dateTime))" }.sorted()
        let expectedTop = byAuction.mapValues { Array($0.sorted(by: >).prefix(10)) }
        for p in [1, 4] {
            let q18 = try changelog("q18", parallelism: p, rate: rate).map { $0.split(separator: "|").prefix(6) }
            // auction, bidder, price, channel, url, dateTime: all but channel and url.
            let actualLast = q18.map { [$0[0], $0[1], $0[2], $0[5]].joined(separator: "|") }.sorted()
            XCTAssertEqual(actualLast.count, expectedLast.count, "q18 at p=\(p)")
            XCTAssertEqual(Set(actualLast).symmetricDifference(expectedLast).sorted(), [], "q18 at p=\(p)")
            var top: [Int64: [(Int64, Int64)]] = [:]
            for row in try changelog("q19", parallelism: p, rate: rate) {
                let fields = row.split(separator: "|")
                guard let auction = Int64(fields[0]), let price = Int64(fields[2]), let rank = fields.last.flatMap({ Int64($0) }) else {
                    return XCTFail("q19 row \(row)")
                }
                top[auction, default: []].append((rank, price))
            }
            XCTAssertEqual(top.mapValues { $0.sorted { $0.0 < $1.0 }.map(\.1) }, expectedTop, "q19 at p=\(p)")
            XCTAssertTrue(top.values.allSatisfy { $0.map(\.0).sorted() == Array(1...Int64($0.count)) }, "q19 ranks 1...n at p=\(p)")
        }
    }
}
