// Golden tests: each folder of Golden/ holds a SQL script, its input files and the output it
// must write (`expected`, one row per line, compared in any order). Every script runs at
// parallelism 1, at parallelism 4, and at parallelism 4 on the RocksDB state backend.
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
        let script = try SQLScript(text)
        var config = settings
        if config["state.backend.type"] == "rocksdb" { config["state.backend.rocksdb.localdir"] = output + "/rocksdb" }
        for job in script.jobs.indices {
            let env = StreamExecutionEnvironment(configuration: try Configuration(config))
            try script.build(job: job, into: env)
            _ = try env.execute("golden-\(name)-\(job)")
        }
        return try readPartFiles(output + "/result")
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
                XCTAssertEqual(actual, expected, "\(name) at \(label)")
            }
        }
    }
}
