// The queries over the CSV files of bin/nexmark-data (the files Flink's figures were measured
// on), a bad row, and a query that fails and restarts from its checkpoints.

import Foundation
import Synchronization
import XCTest
import Rivulet
import RivuletNexmark
import RivuletTesting

final class NexmarkFileTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func temporaryDirectory() throws -> String {
        let path = try RivuletTesting.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Runs bin/nexmark-data (Debian's Python with NumPy, installed by bin/setup).
    func generateFiles(events: Int, rate: Int) throws -> String {
        let directory = try temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.root + "/bin/nexmark-data")
        process.arguments = [directory, "--events", String(events), "--rate", String(rate), "--seed", "3", "--format", "csv"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "bin/nexmark-data failed")
        return directory
    }

    func run(_ query: NexmarkQuery, directory: String, parallelism: Int, backend: String = "heap") throws -> [String] {
        let env = StreamExecutionEnvironment(
            configuration: try Configuration([
                "parallelism.default": String(parallelism), "state.backend.type": backend,
                "state.backend.rocksdb.localdir": NSTemporaryDirectory() + "rivulet-test-rocksdb",
            ]))
        let rows = CollectedValues<String>()
        try query.build(env, from: NexmarkSources(.files(directory: directory)), to: .collect(rows))
        try env.execute("nexmark \(query.rawValue) from files")
        guard query == .q4 else { return rows.values.sorted() }
        var last: [Substring: String] = [:]
        for row in rows.values { last[row.split(separator: ",")[0]] = row }
        return last.values.sorted()
    }

    /// q0 writes back exactly the rows it read, so every field of every row parsed; the
    /// joins and windows give what the rows, read independently, say they should.
    func testQueriesOverTheDataGeneratorsFiles() throws {
        let directory = try generateFiles(events: 30_000, rate: 1000)
        let oracle = try NexmarkOracle(directory: directory)
        XCTAssertEqual(oracle.bids.count, 27_600)
        let lines = try String(contentsOfFile: directory + "/bids.csv", encoding: .utf8).split(separator: "\n").map(String.init).sorted()
        XCTAssertEqual(try run(.q0, directory: directory, parallelism: 3), lines)
        for query in [NexmarkQuery.q3, .q4, .q5, .q7, .q8, .q11] {
            let expected = oracle.rows(query)
            XCTAssertFalse(expected.isEmpty, "\(query)")
            XCTAssertEqual(try run(query, directory: directory, parallelism: 2), expected, "\(query)")
        }
    }

    /// A row that does not parse fails the job, naming the file, the byte offset and the field.
    func testABadRowNamesTheFileTheOffsetAndTheField() throws {
        let directory = try temporaryDirectory()
        let good = "1000,1001,4858,Google,https://www.nexmark.com/a/b/c/item.htm?query=1,2026-01-01 00:00:00.000,xyz\n"
        try (good + "1000,1001,12x4,Google,u,2026-01-01 00:00:00.000,xyz\n").write(toFile: directory + "/bids.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try run(.q0, directory: directory, parallelism: 1)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("bids.csv") && text.contains("byte \(good.utf8.count)") && text.contains("'price'"), text)
        }
        try "1000,1001,5,Google,u,2026-01-01 00:00:00.000\n".write(toFile: directory + "/bids.csv", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try run(.q0, directory: directory, parallelism: 1)) { error in
            XCTAssertTrue("\(error)".contains("too few fields"), "\(error)")
        }
        XCTAssertThrowsError(try run(.q3, directory: directory, parallelism: 1)) { error in
            XCTAssertTrue("\(error)".contains("persons.csv") && "\(error)".contains("does not exist"), "\(error)")
        }
    }

    /// q7 on RocksDB with incremental checkpoints fails twice after checkpoints and restarts
    /// from them: the committed rows are exactly those of a run without failures.
    func testQ7RecoversExactlyOnceFromCheckpoints() throws {
        let output = try temporaryDirectory(), checkpoints = try temporaryDirectory()
        let env = StreamExecutionEnvironment(
            configuration: try Configuration([
                "parallelism.default": "2", "state.backend.type": "rocksdb", "state.backend.incremental": "true",
                "state.backend.rocksdb.localdir": NSTemporaryDirectory() + "rivulet-test-rocksdb",
                "restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "5",
                "restart-strategy.fixed-delay.delay": "10 ms",
            ]))
        try env.enableCheckpointing(.milliseconds(30), directory: checkpoints)
        let generator = try NexmarkGenerator(seed: 11, eventsPerSecond: 1000)
        let events: Int64 = 40_000
        let sources = NexmarkSources(.generator(generator, events: events, eventsPerSecond: 40_000))
        // One event per millisecond of event time: events 9004 and 25004 are bids.
        let failAt = FailurePoints([9004, 25_004].map { NexmarkTime.epochMillis + $0 })
        let bids = try sources.bids(env).map { bid in
            if failAt.shouldFail(bid.dateTime) { throw InjectedFailure() }
            return bid
        }
        NexmarkQueries.highestBid(bids).map(\.csvRow).writeAsText(output)
        let result = try env.execute("nexmark q7 with failures")
        XCTAssertEqual(result.restarts.count, failAt.fired, "restarted once per injected failure")
        XCTAssertEqual(failAt.fired, 2, "both failures were injected")
        XCTAssertFalse(result.completedCheckpoints.isEmpty)
        var committed: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: output) where name.hasPrefix("part-") {
            committed += try String(contentsOfFile: output + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(committed.sorted(), NexmarkOracle(generator, events: events).rows(.q7))
    }
}

/// Fails once at each chosen point.
final class FailurePoints: Sendable {
    let points: Mutex<Set<Int64>>
    let firedCount = Mutex(0)
    init(_ points: [Int64]) { self.points = Mutex(Set(points)) }
    func shouldFail(_ point: Int64) -> Bool {
        let hit = points.withLock { $0.remove(point) != nil }
        if hit { firedCount.withLock { $0 += 1 } }
        return hit
    }
    var fired: Int { firedCount.withLock { $0 } }
}

struct InjectedFailure: Error, CustomStringConvertible {
    var description: String { "injected failure" }
}
