// Golden tests: each folder of Golden/ holds a SQL script, its input files and the output it
// must write (`expected`, one row per line, compared in any order): the rows of its result
// table (`${OUTPUT}/result`), or the changelog its print tables print (`+I[...]`, `-U[...]`).
// Every script runs at parallelism 1, at parallelism 4, and at parallelism 4 on the RocksDB
// state backend; a changelog must match line for line at parallelism 1 and, where rows of a
// group arrive in another order, end in the same table elsewhere.
// RIVULET_REGENERATE_SQL_GOLDEN=1 writes the parallelism-1 output as `expected` (for a new
// case; check it by hand or with Apache Flink as Golden/README.md says).

import Foundation
import Rivulet
import RivuletSQL
import RivuletTesting
import XCTest

final class SQLGoldenTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    /// The cases: every folder with a script.sql.
    static func cases() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: golden).sorted().filter {
            FileManager.default.fileExists(atPath: "\(golden)/\($0)/script.sql")
        }
    }

    /// Runs every job of a case's script with `settings`; returns the lines written under
    /// OUTPUT/result.
    static func run(_ name: String, settings: [String: String]) throws -> [String] {
        let output = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        var text = try String(contentsOfFile: "\(golden)/\(name)/script.sql", encoding: .utf8)
        text = text.replacingOccurrences(of: "${INPUT}", with: "\(golden)/\(name)").replacingOccurrences(of: "${OUTPUT}", with: output)
        let printed = CollectedValues<String>()
        let script = try SQLScript(text, connectors: TableConnectors.builtIn.adding([CollectingPrintConnector(into: printed)]))
        var config = settings
        if config["state.backend.type"] == "rocksdb" { config["state.backend.rocksdb.localdir"] = output + "/rocksdb" }
        for job in script.jobs.indices {
            let env = StreamExecutionEnvironment(configuration: try Configuration(config))
            try script.build(job: job, into: env)
            _ = try env.execute("golden-\(name)-\(job)")
        }
        var files: [String] = []
        let result = output + "/result"
        if FileManager.default.fileExists(atPath: result) {
            files = try readPartFiles(result)
            // A table per folder under result/ (a statement set writing several tables).
            for name in try FileManager.default.contentsOfDirectory(atPath: result).sorted() where !name.hasPrefix("part-") && !name.hasPrefix(".") {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: result + "/" + name, isDirectory: &isDirectory), isDirectory.boolValue {
                    files += try readPartFiles(result + "/" + name)
                }
            }
        }
        return files + printed.values
    }

    /// The table a changelog leaves: +I and +U add a row, -U and -D take one away.
    static func materialized(_ changelog: [String]) -> [String] {
        var rows: [String: Int] = [:]
        for line in changelog {
            let row = String(line.dropFirst(2))
            rows[row, default: 0] += line.hasPrefix("+") ? 1 : -1
        }
        return rows.flatMap { row, n in Array(repeating: row, count: max(n, 0)) }.sorted()
    }

    static func isChangelog(_ lines: [String]) -> Bool {
        lines.contains { $0.hasPrefix("-U[") || $0.hasPrefix("+U[") || $0.hasPrefix("-D[") }
    }

    func testGoldenScripts() throws {
        let cases = try Self.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        let regenerate = ProcessInfo.processInfo.environment["RIVULET_REGENERATE_SQL_GOLDEN"] == "1"
        let configurations: [(String, [String: String])] = [
            ("p=1", ["parallelism.default": "1"]),
            ("p=4", ["parallelism.default": "4"]),
            ("p=4 RocksDB", ["parallelism.default": "4", "state.backend.type": "rocksdb"]),
        ]
        for name in cases {
            let expectedPath = "\(Self.golden)/\(name)/expected"
            if regenerate {
                let lines = try Self.run(name, settings: configurations[0].1)
                try (lines.sorted().joined(separator: "\n") + "\n").write(toFile: expectedPath, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOfFile: expectedPath, encoding: .utf8).split(separator: "\n").map(String.init).sorted()
            XCTAssertFalse(expected.isEmpty, "\(name): expected output is empty")
            for (label, settings) in configurations {
                let actual = try Self.run(name, settings: settings).sorted()
                if Self.isChangelog(expected) && label != "p=1" {
                    XCTAssertEqual(Self.materialized(actual), Self.materialized(expected), "\(name) at \(label)")
                } else {
                    XCTAssertEqual(actual, expected, "\(name) at \(label)")
                }
            }
        }
    }
}

/// The print connector of the tests: the rows it would print, kept in memory.
struct CollectingPrintConnector: TableConnector {
    let identifier = "print"
    let options = ["print-identifier"]
    var acceptsUpdates: Bool { true }
    let lines: CollectedValues<String>

    init(into lines: CollectedValues<String>) { self.lines = lines }

    func sink(_ rows: DataStream<RowBatch>, table: CatalogTable, uid: String, configuration: [String: String]) throws {
        let types = table.physicalColumns.map(\.type)
        rows.flatMap { (batch: RowBatch, out: Collector<String>) in
            for i in 0..<batch.count { try out.collect(RowText.printed(batch, i, types: types)) }
        }.collect(into: lines)
    }
}
