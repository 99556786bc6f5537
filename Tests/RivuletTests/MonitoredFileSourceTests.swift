// A monitored directory: files that appear while the job runs are read, each line once, and a
// savepoint remembers which files were read, so the restored job (at another parallelism)
// reads only the files that came after it.

import Foundation
import Rivulet
import RivuletTesting
import Synchronization
import XCTest

struct TimedOut: Error { let what: String }

final class MonitoredFileSourceTests: XCTestCase {
    /// Writes `lines` as file `name` of `directory` the way a producer must: elsewhere first,
    /// then renamed into place.
    func publish(_ lines: [String], as name: String, in directory: String) throws {
        let hidden = "\(directory)/.\(name).tmp"
        try (lines.joined(separator: "\n") + "\n").write(toFile: hidden, atomically: false, encoding: .utf8)
        XCTAssertEqual(rename(hidden, "\(directory)/\(name)"), 0)
    }

    func lines(_ file: Int, count: Int = 40) -> [String] { (0..<count).map { "f\(file)-\($0)" } }

    /// Starts the job `make` builds in a thread; returns the cluster and a wait for its end.
    func start(
        _ make: @escaping @Sendable () throws -> StreamExecutionEnvironment, restoring savepoint: String? = nil
    ) -> (
        MiniCluster, () -> (any Error)?
    ) {
        let cluster = MiniCluster()
        let outcome = Mutex<(any Error)?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            do {
                try make().execute("monitored", on: cluster, options: ExecutionOptions(restoreFromSavepoint: savepoint, log: { _ in }))
            } catch {
                outcome.withLock { $0 = error }
            }
            done.signal()
        }.start()
        return (
            cluster,
            {
                done.wait()
                return outcome.withLock { $0 }
            }
        )
    }

    static func job(_ directory: String, parallelism: Int, checkpoints: String, sink: CollectedValues<String>) throws -> StreamExecutionEnvironment {
        let env = StreamExecutionEnvironment(
            configuration: try Configuration([
                "parallelism.default": "\(parallelism)", "execution.checkpointing.interval": "100 ms", "state.checkpoints.dir": checkpoints,
            ]))
        env.fromSource(MonitoredFileSource(directory: directory, intervalMillis: 50) { String(decoding: $0, as: UTF8.self) }, name: "files")
            .uid("monitored-files")
            .collect(into: sink)
        return env
    }

    func waitFor(_ what: String, seconds: Double = 30, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            guard Date() < deadline else { throw TimedOut(what: what) }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func testFilesThatAppearAreReadOnceAcrossASavepointAtAnotherParallelism() throws {
        let directory = try temporaryDirectory(), checkpoints = try temporaryDirectory(), savepoint = try temporaryDirectory() + "/sp"
        for f in 0..<3 { try publish(lines(f), as: "part-\(f).txt", in: directory) }
        let first = CollectedValues<String>()
        let (cluster, end) = start { try Self.job(directory, parallelism: 2, checkpoints: checkpoints, sink: first) }
        try waitFor("the files there at the start") { first.values.count >= 120 }
        // A file that appears while the job runs.
        try publish(lines(3), as: "part-3.txt", in: directory)
        try waitFor("the file that appeared") { first.values.count >= 160 }
        // The source is idle now: nothing is emitted between the savepoint and the cancel.
        XCTAssertEqual(try cluster.triggerSavepoint(into: savepoint), savepoint)
        cluster.cancel()
        guard case .cancelled? = end() as? JobExecutionError else { return XCTFail("expected the job to be cancelled") }
        XCTAssertEqual(first.values.sorted(), (0..<4).flatMap { lines($0) }.sorted(), "every line of the first four files once")

        // Two more files; the restored job at parallelism 3 reads those only.
        for f in 4..<6 { try publish(lines(f), as: "part-\(f).txt", in: directory) }
        let second = CollectedValues<String>()
        let (restored, restoredEnd) = start({ try Self.job(directory, parallelism: 3, checkpoints: checkpoints, sink: second) }, restoring: savepoint)
        try waitFor("the files after the savepoint") { second.values.count >= 80 }
        try publish(lines(6), as: "part-6.txt", in: directory)
        try waitFor("a file after the restore") { second.values.count >= 120 }
        Thread.sleep(forTimeInterval: 0.3)  // a file read twice would show here
        restored.cancel()
        _ = restoredEnd()
        XCTAssertEqual(second.values.sorted(), (4..<7).flatMap { lines($0) }.sorted(), "only the files after the savepoint, each line once")
    }

    func testFileNamesSpreadOverBucketsTheSameWayInEveryProcess() {
        // FNV-1a, not Swift's per-process seeded hash: a restored job must agree on buckets.
        XCTAssertEqual(MonitoredFileSource<String>.bucket(of: "part-0.txt"), 87)
        let buckets = Set((0..<200).map { MonitoredFileSource<String>.bucket(of: "file-\($0).csv") })
        XCTAssertGreaterThan(buckets.count, 60, "names spread over the buckets")
    }
}
