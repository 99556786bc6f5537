// Savepoints: taken from a running job, restored at another parallelism, refused when incompatible.

import Foundation
import Synchronization
import XCTest
import Rivulet
import RivuletCore
import RivuletTesting

final class SavepointTests: XCTestCase {
    static let records = 30_000
    static let keys = 13

    static func job(parallelism: Int, checkpoints: String, rate: Double?, sink: CollectedValues<String>) throws -> StreamExecutionEnvironment {
        let env = try environment(parallelism: parallelism)
        try env.enableCheckpointing(.milliseconds(50), directory: checkpoints)
        let keys = Self.keys
        let source = DataGeneratorSource<Int>(count: Int64(Self.records), recordsPerSecond: rate, seed: 3) { i, _ in Int(i) }
        env.fromSource(source, name: "Numbers").uid("numbers")
            .keyBy { $0 % keys }
            .process { CountAndClearAtEnd() }.uid("final-count")
            .collect(into: sink)
        return env
    }

    func expected() -> [String] {
        var perKey = [Int](repeating: 0, count: Self.keys)
        for i in 0..<Self.records { perKey[i % Self.keys] += 1 }
        return perKey.enumerated().map { "\($0.offset)\t\($0.element)" }.sorted()
    }

    /// Runs the job at parallelism 2 (slowly), takes a savepoint mid-way, cancels it.
    func takeSavepoint(into savepoint: String, checkpoints: String) throws {
        let cluster = MiniCluster()
        let outcome = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            do {
                let env = try Self.job(parallelism: 2, checkpoints: checkpoints, rate: 20_000, sink: CollectedValues<String>())
                try env.execute("savepoint-source", on: cluster, options: ExecutionOptions(log: { _ in }))
            } catch {
                outcome.withLock { $0 = error }
            }
            done.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.4)
        let path = try cluster.triggerSavepoint(into: savepoint)
        XCTAssertEqual(path, savepoint)
        cluster.cancel()
        done.wait()
        let error = outcome.withLock { $0 }
        guard case .cancelled? = error as? JobExecutionError else { return XCTFail("expected cancellation, got \(String(describing: error))") }
    }

    func testSavepointRestoresAtOtherParallelism() throws {
        let savepoint = try temporaryDirectory() + "/sp", checkpoints = try temporaryDirectory()
        try takeSavepoint(into: savepoint, checkpoints: checkpoints)
        let metadata = try FileSystemCheckpointStorage.readMetadata(directory: savepoint)
        XCTAssertEqual(metadata.kind, .savepoint)
        XCTAssertTrue(metadata.allFiles.allSatisfy { !$0.path.contains("/") }, "self-contained: files sit in the savepoint directory")
        for parallelism in [3, 1] {
            let sink = CollectedValues<String>()
            let env = try Self.job(parallelism: parallelism, checkpoints: checkpoints, rate: nil, sink: sink)
            try env.execute("restored", options: ExecutionOptions(restoreFromSavepoint: savepoint, log: { _ in }))
            XCTAssertEqual(sink.values.sorted(), expected(), "final counts after restoring at parallelism \(parallelism)")
        }
    }

    func testRetainedCheckpointRestoresLikeASavepoint() throws {
        let checkpoints = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: checkpoints) }
        try takeSavepoint(into: checkpoints + "/sp", checkpoints: checkpoints)
        // The cancelled job's retained checkpoints: chk-<n> directories with relative file paths.
        let jobs = try FileManager.default.contentsOfDirectory(atPath: checkpoints).filter { $0 != "sp" }
        XCTAssertEqual(jobs.count, 1)
        let chk = try FileManager.default.contentsOfDirectory(atPath: "\(checkpoints)/\(jobs[0])").filter { $0.hasPrefix("chk-") }
            .max { Int($0.dropFirst(4)) ?? 0 < Int($1.dropFirst(4)) ?? 0 }
        let directory = "\(checkpoints)/\(jobs[0])/\(try XCTUnwrap(chk))"
        XCTAssertEqual(try FileSystemCheckpointStorage.readMetadata(directory: directory).kind, .checkpoint)
        for path in [directory, directory + "/_metadata"] {
            let sink = CollectedValues<String>()
            let env = try Self.job(parallelism: 3, checkpoints: checkpoints, rate: nil, sink: sink)
            try env.execute("from-checkpoint", options: ExecutionOptions(restoreFromSavepoint: path, log: { _ in }))
            XCTAssertEqual(sink.values.sorted(), expected(), "final counts after restoring from \(path)")
        }
    }

    func testSavepointOfAnotherJobIsRefused() throws {
        let savepoint = try temporaryDirectory() + "/sp", checkpoints = try temporaryDirectory()
        try takeSavepoint(into: savepoint, checkpoints: checkpoints)
        let env = try environment(parallelism: 1)
        try env.enableCheckpointing(.milliseconds(50), directory: checkpoints)
        env.fromSequence(1, 10).uid("numbers").keyBy { $0 % 2 }.process { CountAndClearAtEnd() }.uid("other-uid").collect(
            into: CollectedValues<String>())
        XCTAssertThrowsError(try env.execute("other", options: ExecutionOptions(restoreFromSavepoint: savepoint, log: { _ in }))) { error in
            XCTAssertTrue("\(error)".contains("final-count"), "names the unknown uid: \(error)")
        }
    }

    /// A savepoint whose state file is gone fails the job at once, naming the file: every
    /// restart would read the same savepoint.
    func testSavepointWithAMissingStateFileFailsWithoutRestarts() throws {
        let savepoint = try temporaryDirectory() + "/sp", checkpoints = try temporaryDirectory()
        try takeSavepoint(into: savepoint, checkpoints: checkpoints)
        let metadata = try FileSystemCheckpointStorage.readMetadata(directory: savepoint)
        let file = try XCTUnwrap(metadata.allFiles.first).path
        try FileManager.default.removeItem(atPath: savepoint + "/" + file)
        let env = try Self.job(parallelism: 1, checkpoints: checkpoints, rate: nil, sink: CollectedValues<String>())
        try env.set("restart-strategy.type", "fixed-delay").set("restart-strategy.fixed-delay.attempts", "2")
            .set("restart-strategy.fixed-delay.delay", "0 ms")
        let log = Mutex<[String]>([])
        XCTAssertThrowsError(
            try env.execute("restored", options: ExecutionOptions(restoreFromSavepoint: savepoint, log: { line in log.withLock { $0.append(line) } }))
        ) { error in
            XCTAssertTrue("\(error)".contains(file), "names the file: \(error)")
        }
        XCTAssertEqual(log.withLock { $0 }.filter { $0.contains("restarts") }, [], "not restarted")
    }

    func testTruncatedSavepointMetadataIsNamed() throws {
        let savepoint = try temporaryDirectory() + "/sp", checkpoints = try temporaryDirectory()
        try takeSavepoint(into: savepoint, checkpoints: checkpoints)
        let path = savepoint + "/_metadata"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let env = try Self.job(parallelism: 1, checkpoints: checkpoints, rate: nil, sink: CollectedValues<String>())
        XCTAssertThrowsError(try env.execute("restored", options: ExecutionOptions(restoreFromSavepoint: savepoint, log: { _ in }))) { error in
            XCTAssertTrue("\(error)".contains(path), "names the file: \(error)")
        }
    }
}
