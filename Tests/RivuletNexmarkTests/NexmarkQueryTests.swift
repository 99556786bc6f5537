// Every Nexmark query on seeded data, at parallelism 1 and 4, on the heap and RocksDB
// backends, from the generator and from CSV files: the same rows as NexmarkOracle computes.

import Foundation
import XCTest
import Rivulet
import RivuletNexmark

final class NexmarkQueryTests: XCTestCase {
    /// 1000 events per second of event time: 24,000 events span 24 s, so every query has
    /// several windows, sessions and expired auctions.
    static let generator = try! NexmarkGenerator(seed: 7, eventsPerSecond: 1000)
    static let events: Int64 = 24_000
    static let oracle = NexmarkOracle(generator, events: events)

    func environment(parallelism: Int, backend: String) throws -> StreamExecutionEnvironment {
        StreamExecutionEnvironment(
            configuration: try Configuration([
                "parallelism.default": String(parallelism),
                "state.backend.type": backend,
                "state.backend.rocksdb.localdir": NSTemporaryDirectory() + "rivulet-test-rocksdb",
            ]))
    }

    /// The rows of `query`, sorted; for q4, the last average of each category.
    func run(_ query: NexmarkQuery, parallelism: Int, backend: String, sources: NexmarkSources? = nil) throws -> [String] {
        let env = try environment(parallelism: parallelism, backend: backend)
        let rows = CollectedValues<String>()
        try query.build(
            env, from: sources ?? NexmarkSources(.generator(Self.generator, events: Self.events, eventsPerSecond: nil)), to: .collect(rows))
        try env.execute("nexmark \(query.rawValue)")
        guard query == .q4 else { return rows.values.sorted() }
        var last: [Substring: String] = [:]
        for row in rows.values { last[row.split(separator: ",")[0]] = row }
        return last.values.sorted()
    }

    func check(_ query: NexmarkQuery, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = Self.oracle.rows(query)
        XCTAssertFalse(expected.isEmpty, "\(query): the oracle found no rows; the data is too small to test it", file: file, line: line)
        for backend in ["heap", "rocksdb"] {
            for parallelism in [1, 4] {
                let actual = try run(query, parallelism: parallelism, backend: backend)
                XCTAssertEqual(actual.count, expected.count, "\(query) p\(parallelism) \(backend): row count", file: file, line: line)
                let missing = expected.difference(from: actual).prefix(3)
                XCTAssertTrue(
                    actual == expected, "\(query) p\(parallelism) \(backend): first differences \(Array(missing))", file: file, line: line)
            }
        }
    }

    func testQ0PassThrough() throws { try check(.q0) }
    func testQ1CurrencyConversion() throws { try check(.q1) }
    func testQ2Selection() throws { try check(.q2) }
    func testQ3LocalItemSuggestion() throws { try check(.q3) }
    func testQ4AveragePriceByCategory() throws { try check(.q4) }
    func testQ5HotItems() throws { try check(.q5) }
    func testQ7HighestBid() throws { try check(.q7) }
    func testQ8NewUsers() throws { try check(.q8) }
    func testQ11UserSessions() throws { try check(.q11) }

    /// The generator gives the same events at any parallelism: every kind's events, in the
    /// 1:3:46 mix, with increasing times and the reference's id ranges.
    func testGeneratorFollowsTheModel() throws {
        let o = Self.oracle
        XCTAssertEqual(o.persons.count, 480)
        XCTAssertEqual(o.auctions.count, 1440)
        XCTAssertEqual(o.bids.count, 22_080)
        XCTAssertEqual(o.persons.map(\.id), Array(1000..<1480))
        XCTAssertEqual(o.auctions.map(\.id), Array(1000..<2440))
        XCTAssertEqual(o.bids.map(\.dateTime), o.bids.map(\.dateTime).sorted())
        XCTAssertEqual(o.bids.first?.dateTime, NexmarkTime.epochMillis + 4)
        // Hot bidders and auctions: about half the bids go to the block's first auction.
        let hot = o.bids.filter { ($0.auction - 1000) % 100 == 0 }.count
        XCTAssertGreaterThan(hot, o.bids.count * 4 / 10)
        XCTAssertTrue(o.auctions.allSatisfy { (10...14).contains($0.category) && $0.expires > $0.dateTime && $0.reserve >= $0.initialBid })
        XCTAssertTrue(o.bids.allSatisfy { $0.price >= 100 && $0.price <= 100_000_000 })
        let again = try NexmarkGenerator(seed: 7, eventsPerSecond: 1000)
        XCTAssertEqual(again.bid(event: 12_345), Self.generator.bid(event: 12_345))
        XCTAssertNotEqual(try NexmarkGenerator(seed: 8, eventsPerSecond: 1000).bid(event: 12_345), Self.generator.bid(event: 12_345))
        // Leaving the text out changes no other field.
        for n: Int64 in [4, 49, 12_345, 777_777] {
            var bid = Self.generator.bid(event: n)
            (bid.channel, bid.url, bid.extra) = ("", "", "")
            XCTAssertEqual(Self.generator.bid(event: n, text: false), bid)
            var auction = Self.generator.auction(event: n - 3)
            (auction.itemName, auction.description, auction.extra) = ("", "", "")
            XCTAssertEqual(Self.generator.auction(event: n - 3, text: false), auction)
        }
        // `extra` pads a bid (32 bytes of fixed fields) to an average of 100 bytes, ±20% of the difference.
        let extraBytes = o.bids.map { $0.extra.utf8.count }.reduce(0, +) / o.bids.count
        XCTAssertTrue((64...72).contains(extraBytes), "bids' extra averages \(extraBytes) bytes")
        XCTAssertTrue(o.bids.allSatisfy { (54...81).contains($0.extra.utf8.count) })
    }

    /// Timestamps read back as written, including dates before 1970 and leap days.
    func testTimestampsRoundTrip() throws {
        for ms: Int64 in [0, NexmarkTime.epochMillis, NexmarkTime.epochMillis + 86_399_999, 951_782_400_123, -1, -86_400_001] {
            let text = NexmarkTime.format(ms)
            XCTAssertEqual(Array(text.utf8).withUnsafeBufferPointer { NexmarkTime.parse($0) }, ms, text)
        }
        XCTAssertEqual(NexmarkTime.format(NexmarkTime.epochMillis), "2026-01-01 00:00:00.000")
        XCTAssertEqual(NexmarkTime.format(951_782_400_123), "2000-02-29 00:00:00.123")
        for bad in ["2026-13-01 00:00:00.000", "2026-01-01T00:00:00.000", "2026-01-01 00:00:00.0x0", "2026-01-01"] {
            XCTAssertNil(Array(bad.utf8).withUnsafeBufferPointer { NexmarkTime.parse($0) }, bad)
        }
    }
}
