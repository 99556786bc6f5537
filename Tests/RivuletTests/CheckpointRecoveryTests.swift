// Exactly-once recovery: a job that fails on purpose, several times, must commit exactly the
// output of a failure-free run.

import Foundation
import Synchronization
import XCTest
import Rivulet
import RivuletCore

/// Failure points shared by every run of a job: the failing operator throws when a subtask's
/// record count (since its run started) reaches the first remaining point, consuming it. At
/// most one point is consumed per run (attempt), so each point causes its own restart even when
/// other subtasks are past the next point before the failing run is cancelled.
final class FailureSchedule: Sendable {
    let state: Mutex<(points: [Int], lastFailedAttempt: Int)>
    init(_ points: [Int]) { state = Mutex((points, -1)) }
    /// True (once) when `count` reached the next failure point in run `attempt`.
    func shouldFail(at count: Int, attempt: Int = 0) -> Bool {
        state.withLock { s in
            guard attempt > s.lastFailedAttempt, let first = s.points.first, count >= first else { return false }
            s.points.removeFirst()
            s.lastFailedAttempt = attempt
            return true
        }
    }
    var remaining: Int { state.withLock { $0.points.count } }
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
    static let records = 60_000
    static let keys = 97

    /// Builds the job: generator (rate-limited so checkpoints happen between failures) ->
    /// failing map -> keyed count -> exactly-once file sink.
    func runJob(parallelism: Int, backend: String, failures: FailureSchedule, output: String,
                checkpoints: String) throws -> JobExecutionResult {
        let env = try environment(parallelism: parallelism, [
            "state.backend.type": backend,
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
        return try env.execute("exactly-once", options: ExecutionOptions(log: { _ in }))
    }

    func expectedLines() -> [String] {
        var perKey = [Int](repeating: 0, count: Self.keys)
        for i in 0..<Self.records { perKey[i % Self.keys] += 1 }
        var lines: [String] = []
        for (key, n) in perKey.enumerated() { for c in 1...max(n, 1) where n > 0 { lines.append("\(key)\t\(c)") } }
        return lines.sorted()
    }

    func checkExactlyOnce(parallelism: Int, backend: String) throws {
        let output = try temporaryDirectory(), checkpoints = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: checkpoints) }
        let failures = FailureSchedule([3_000, 5_000, 2_000])
        let result = try runJob(parallelism: parallelism, backend: backend, failures: failures, output: output, checkpoints: checkpoints)
        XCTAssertEqual(failures.remaining, 0, "every injected failure happened")
        XCTAssertEqual(result.restarts.count, 3, "the job restarted once per failure: \(result.restarts)")
        XCTAssertFalse(result.completedCheckpoints.isEmpty, "checkpoints completed")
        let lines = try readPartFiles(output).sorted()
        let expected = expectedLines()
        XCTAssertEqual(lines.count, expected.count, "no record lost, none duplicated")
        XCTAssertEqual(lines, expected)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: output).filter { $0.hasPrefix(".") && $0.hasSuffix(".pending") }
        XCTAssertEqual(hidden, [], "every pending file was committed")
    }

    func testExactlyOnceHeapParallelism1() throws { try checkExactlyOnce(parallelism: 1, backend: "heap") }
    func testExactlyOnceHeapParallelism4() throws { try checkExactlyOnce(parallelism: 4, backend: "heap") }

    func testWithoutFailuresOutputIsCommittedOnce() throws {
        let output = try temporaryDirectory(), checkpoints = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: checkpoints) }
        let result = try runJob(parallelism: 2, backend: "heap", failures: FailureSchedule([]), output: output, checkpoints: checkpoints)
        XCTAssertEqual(result.restarts, [])
        XCTAssertEqual(try readPartFiles(output).sorted(), expectedLines())
        // Retained checkpoints only: num-retained (3) at most, each with its metadata.
        let jobDir = checkpoints + "/" + result.jobID
        let chk = try FileManager.default.contentsOfDirectory(atPath: jobDir).filter { $0.hasPrefix("chk-") }
        XCTAssertLessThanOrEqual(chk.count, 3)
        for dir in chk { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(jobDir)/\(dir)/_metadata"), dir) }
    }
}

/// Passes records through and throws at the scheduled record counts.
struct FailingCounter: ProcessFunction {
    let schedule: FailureSchedule
    var seen = 0
    var attempt = 0
    mutating func open(_ context: RuntimeContext) throws { attempt = context.operatorContext.attempt }
    mutating func processElement(_ value: Int, _ ctx: ProcessContext, _ out: Collector<Int>) throws {
        seen += 1
        if schedule.shouldFail(at: seen, attempt: attempt) { throw InjectedFailure(count: seen) }
        try out.collect(value)
    }
}
