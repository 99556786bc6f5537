// Exactly-once recovery: a job that fails on purpose, several times, must commit exactly the
// output of a failure-free run.

import Foundation
import Synchronization
import XCTest
import Rivulet
import RivuletCore
import RivuletTesting

/// Failure points shared by every run of a job: the failing operator throws when it meets one
/// of the chosen records, once per record (the replay after the restart passes it).
final class FailureSchedule: Sendable {
    let points: Mutex<Set<Int>>
    init(_ points: [Int]) { self.points = Mutex(Set(points)) }
    /// True (once) when `value` is a failure point.
    func shouldFail(at value: Int) -> Bool {
        points.withLock { $0.remove(value) != nil }
    }
    var remaining: Int { points.withLock { $0.count } }
}

struct InjectedFailure: Error, CustomStringConvertible {
    let count: Int
    var description: String { "injected failure at record \(count)" }
}

/// Counts records per key and emits `key<TAB>count` for each: for every key the committed
/// output must be exactly the lines 1...n, whatever the order records arrived in.
struct CountEachRecord: KeyedProcessFunction {
    typealias Key = Int
    typealias Input = Int
    typealias Output = String
    var count: ValueState<Int>?

    mutating func open(_ context: KeyedRuntimeContext<Int>) throws {
        count = try context.valueState(ValueStateDescriptor<Int>("count"))
    }

    mutating func processElement(_ value: Int, _ ctx: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let count else { return }
        let n = (try count.value() ?? 0) + 1
        try count.update(n)
        try out.collect("\(try ctx.currentKey)\t\(n)")
    }
}

final class CheckpointRecoveryTests: XCTestCase {
    /// Warnings and restart notices of the jobs run by this test (shown when an assertion fails).
    final class LogLines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }
    static let log = LogLines()
    var logText: String { Self.log.lines.withLock { $0.suffix(8).joined(separator: " | ") } }

    static let records = 60_000
    static let keys = 97

    /// Builds the job: generator (rate-limited so checkpoints happen between failures) ->
    /// failing map -> keyed count -> exactly-once file sink.
    func runJob(
        parallelism: Int, backend: String, incremental: Bool = false, failures: FailureSchedule, output: String,
        checkpoints: String
    ) throws -> JobExecutionResult {
        let env = try environment(
            parallelism: parallelism,
            [
                "state.backend.type": backend,
                "state.backend.incremental": incremental ? "true" : "false",
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.attempts": "10",
                "restart-strategy.fixed-delay.delay": "10 ms",
            ])
        try env.enableCheckpointing(.milliseconds(25), directory: checkpoints)
        let keys = Self.keys
        let source = DataGeneratorSource<Int>(count: Int64(Self.records), recordsPerSecond: 60_000, seed: 7) { i, _ in Int(i) }
        env.fromSource(source, name: "Numbers")
            .process { FailingCounter(schedule: failures) }
            .keyBy { $0 % keys }
            .process { CountEachRecord() }
            .writeAsText(output)
        let log = Self.log
        return try env.execute("exactly-once", options: ExecutionOptions(log: { log.append($0) }))
    }

    func expectedLines() -> [String] {
        var perKey = [Int](repeating: 0, count: Self.keys)
        for i in 0..<Self.records { perKey[i % Self.keys] += 1 }
        var lines: [String] = []
        for (key, n) in perKey.enumerated() { for c in 1...max(n, 1) where n > 0 { lines.append("\(key)\t\(c)") } }
        return lines.sorted()
    }

    @discardableResult
    func checkExactlyOnce(parallelism: Int, backend: String, incremental: Bool = false) throws -> (JobExecutionResult, String) {
        let output = try temporaryDirectory(), checkpoints = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output) }
        let failures = FailureSchedule([9_000, 27_000, 45_000])
        let result = try runJob(
            parallelism: parallelism, backend: backend, incremental: incremental, failures: failures,
            output: output, checkpoints: checkpoints)
        XCTAssertEqual(failures.remaining, 0, "every injected failure happened")
        XCTAssertEqual(result.restarts.count, 3, "the job restarted once per failure: \(result.restarts); log: \(logText)")
        XCTAssertFalse(result.completedCheckpoints.isEmpty, "checkpoints completed")
        let lines = try readPartFiles(output).sorted()
        let expected = expectedLines()
        XCTAssertEqual(lines.count, expected.count, "no record lost, none duplicated")
        XCTAssertEqual(lines, expected)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.hasPrefix(".") && $0.hasSuffix(".pending") }
        XCTAssertEqual(hidden, [], "every pending file was committed")
        return (result, checkpoints)
    }

    func testExactlyOnceHeapParallelism1() throws { try checkExactlyOnce(parallelism: 1, backend: "heap") }
    func testExactlyOnceHeapParallelism4() throws { try checkExactlyOnce(parallelism: 4, backend: "heap") }
    func testExactlyOnceRocksDBParallelism1() throws { try checkExactlyOnce(parallelism: 1, backend: "rocksdb") }
    func testExactlyOnceRocksDBParallelism4() throws { try checkExactlyOnce(parallelism: 4, backend: "rocksdb") }

    /// Incremental RocksDB checkpoints: exactly-once, later checkpoints upload less than they
    /// reference, and no shared file is left that no retained checkpoint references.
    func testExactlyOnceRocksDBIncrementalLeavesNoUnreferencedFiles() throws {
        let (result, checkpoints) = try checkExactlyOnce(parallelism: 2, backend: "rocksdb", incremental: true)
        defer { try? FileManager.default.removeItem(atPath: checkpoints) }
        XCTAssertTrue(result.checkpointStats.contains { $0.uploadedBytes < $0.stateBytes }, "some checkpoint reused uploaded SST files")
        let jobDir = checkpoints + "/" + result.jobID
        let fm = FileManager.default
        var referenced = Set<String>()
        for dir in try fm.contentsOfDirectory(atPath: jobDir) where dir.hasPrefix("chk-") {
            let metadata = try FileSystemCheckpointStorage.readMetadata(directory: jobDir + "/" + dir)
            for file in metadata.allFiles { referenced.insert(file.path) }
            for file in try fm.contentsOfDirectory(atPath: jobDir + "/" + dir) where file != "_metadata" {
                XCTAssertTrue(referenced.contains("\(dir)/\(file)"), "\(dir)/\(file) is referenced by its checkpoint")
            }
        }
        let shared = try fm.contentsOfDirectory(atPath: jobDir + "/shared").map { "shared/" + $0 }
        XCTAssertFalse(shared.isEmpty)
        XCTAssertEqual(Set(shared), referenced.filter { $0.hasPrefix("shared/") }, "shared files = files the retained checkpoints use")
    }

    func testWithoutFailuresOutputIsCommittedOnce() throws {
        let output = try temporaryDirectory(), checkpoints = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: checkpoints) }
        let result = try runJob(parallelism: 2, backend: "heap", failures: FailureSchedule([]), output: output, checkpoints: checkpoints)
        XCTAssertEqual(result.restarts, [], logText)
        XCTAssertEqual(try readPartFiles(output).sorted(), expectedLines())
        // Retained checkpoints only: num-retained (3) at most, each with its metadata.
        let jobDir = checkpoints + "/" + result.jobID
        let chk = try FileManager.default.contentsOfDirectory(atPath: jobDir).filter { $0.hasPrefix("chk-") }
        XCTAssertLessThanOrEqual(chk.count, 3)
        for dir in chk { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(jobDir)/\(dir)/_metadata"), dir) }
    }
}

/// Passes records through and throws at the scheduled records.
struct FailingCounter: ProcessFunction {
    let schedule: FailureSchedule
    mutating func processElement(_ value: Int, _ ctx: ProcessContext, _ out: Collector<Int>) throws {
        if schedule.shouldFail(at: value) { throw InjectedFailure(count: value) }
        try out.collect(value)
    }
}
