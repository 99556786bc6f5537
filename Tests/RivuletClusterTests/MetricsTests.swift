// The pure parts of metrics and logs: rates between samples, the sample window, /proc
// parsing, port ranges, the Prometheus registry's groups, and log files a request may read.

import Foundation
import XCTest

@testable import RivuletRuntime
@testable import RivuletCluster

final class MetricsTests: XCTestCase {
    let task = ExecutionAttemptID(jobID: "job", attempt: 0, execution: .init(vertex: 1, subtask: 0))

    func sample(in recordsIn: Int64, out: Int64, blocked: Int64, idle: Int64) -> TaskMetricsSample {
        TaskMetricsSample(task: task, recordsIn: recordsIn, recordsOut: out, backPressuredNanos: blocked, idleNanos: idle)
    }

    /// Two seconds apart: 250 ms blocked and 1 s idle make 125 and 500 ms per second, and
    /// busy is the rest (375), as Flink computes it.
    func testRatesSplitTheIntervalIntoBusyIdleAndBackpressured() {
        let rates = TaskRates(
            from: sample(in: 1_000, out: 500, blocked: 0, idle: 0), to: sample(in: 5_000, out: 2_500, blocked: 250_000_000, idle: 1_000_000_000),
            elapsedNanos: 2e9)
        XCTAssertEqual(rates.recordsInPerSecond, 2_000)
        XCTAssertEqual(rates.recordsOutPerSecond, 1_000)
        XCTAssertEqual(rates.backPressuredTimeMsPerSecond, 125, accuracy: 1e-9)
        XCTAssertEqual(rates.idleTimeMsPerSecond, 500, accuracy: 1e-9)
        XCTAssertEqual(rates.busyTimeMsPerSecond, 375, accuracy: 1e-9)
        XCTAssertEqual(rates.busyRatio, 0.375, accuracy: 1e-9)
    }

    /// No previous sample, or counters that went back (a new attempt): no invented rates,
    /// and never more than 1000 ms per second.
    func testRatesWithoutAPreviousSampleAreZeroAndNeverExceedTheInterval() {
        XCTAssertEqual(TaskRates(from: nil, to: sample(in: 10, out: 10, blocked: 5, idle: 5), elapsedNanos: 1e9), TaskRates())
        let restarted = TaskRates(
            from: sample(in: 9_000, out: 9_000, blocked: 0, idle: 0), to: sample(in: 100, out: 50, blocked: 3_000_000_000, idle: 0),
            elapsedNanos: 1e9)
        XCTAssertEqual(restarted.recordsInPerSecond, 100)
        XCTAssertEqual(restarted.backPressuredTimeMsPerSecond, 1000)
        XCTAssertEqual(restarted.idleTimeMsPerSecond, 0)
        XCTAssertEqual(restarted.busyTimeMsPerSecond, 0)
    }

    /// The window averages over its last intervals (two here), dropping older samples.
    func testTheSampleWindowAveragesOverItsLastSamples() {
        var window = SampleWindow(capacity: 2)
        let start = ContinuousClock.now
        XCTAssertEqual(window.add(sample(in: 0, out: 0, blocked: 0, idle: 0), at: start), TaskRates())
        _ = window.add(sample(in: 100, out: 0, blocked: 0, idle: 0), at: start + .seconds(1))
        XCTAssertEqual(window.add(sample(in: 300, out: 0, blocked: 0, idle: 0), at: start + .seconds(2)).recordsInPerSecond, 150)
        // The first sample left the window: from 100 at 1 s to 1300 at 3 s.
        XCTAssertEqual(window.add(sample(in: 1_300, out: 0, blocked: 0, idle: 0), at: start + .seconds(3)).recordsInPerSecond, 600)
    }

    /// Batch waits land in power-of-two buckets of microseconds; quantiles are the upper bound
    /// of the bucket they fall in, over the window's difference.
    func testTransitLatencyQuantilesComeFromPowerOfTwoBuckets() {
        let metrics = TaskIOMetrics()
        for nanos: UInt64 in [500, 1_500, 3_000, 900_000, 1_200_000, 40_000_000_000] { metrics.addTransit(nanos) }
        let counts = metrics.transitCounts
        XCTAssertEqual(counts[0], 2, "under 2 µs")
        XCTAssertEqual(counts[1], 1, "3 µs: 2-4 µs")
        XCTAssertEqual(counts[9], 1, "900 µs: 512-1024 µs")
        XCTAssertEqual(counts[10], 1, "1.2 ms: 1024-2048 µs")
        XCTAssertEqual(counts[TaskIOMetrics.transitBuckets - 1], 1, "40 s: the last bucket")
        XCTAssertEqual(TaskManagerMetrics.quantileMicros(counts, 0.5), 4, "the third of six is in the 2-4 µs bucket")
        XCTAssertEqual(TaskManagerMetrics.quantileMicros(counts, 0.8), 2048)
        XCTAssertNil(TaskManagerMetrics.quantileMicros([0, 0], 0.5))
        XCTAssertEqual(TaskManagerMetrics.delta([[5, 1], [9, 4]]), [4, 3])
    }

    func testProcStatusGivesResidentMemoryAndThreads() {
        let text = "Name:\trivulet\nVmPeak:\t  900 kB\nVmRSS:\t   70000 kB\nThreads:\t14\n"
        let parsed = ProcessStatus.parseStatus(text)
        XCTAssertEqual(parsed.rssBytes, 70_000 * 1024)
        XCTAssertEqual(parsed.threads, 14)
        let now = ProcessStatus.current()
        XCTAssertGreaterThan(now.rssBytes, 0, "this process's own /proc/self/status")
        XCTAssertGreaterThan(now.threads, 0)
    }

    func testPortRangesAreAPortOrALowHighPair() {
        XCTAssertEqual(PortRange("9249")?.ports, 9249...9249)
        XCTAssertEqual(PortRange("9250-9260")?.ports, 9250...9260)
        for bad in ["", "0", "9260-9250", "70000", "a-b", "9250-", "1-2-3"] {
            XCTAssertNil(PortRange(bad), bad)
        }
    }

    /// A group's gauges carry its scope and labels; closing it removes them from the exposition.
    func testAGroupNamesItsGaugesByScopeAndLabelsAndClosingRemovesThem() {
        let registry = MetricRegistry()
        let tm = registry.group("taskmanager", labels: [("tm_id", "tm-1")])
        let task = tm.child("job_task", labels: [("job_id", "j1"), ("subtask_index", "0")])
        task.set("numRecordsIn", Int64(42))
        tm.set("Status_Process_Threads_Count", Int64(7))
        let text = registry.exposition()
        XCTAssertTrue(text.contains("rivulet_taskmanager_job_task_numRecordsIn{tm_id=\"tm-1\",job_id=\"j1\",subtask_index=\"0\"} 42"), text)
        XCTAssertTrue(text.contains("rivulet_taskmanager_Status_Process_Threads_Count{tm_id=\"tm-1\"} 7"), text)
        task.close()
        let after = registry.exposition()
        XCTAssertFalse(after.contains("job_id=\"j1\""), after)
        XCTAssertTrue(after.contains("rivulet_taskmanager_Status_Process_Threads_Count"), after)
    }

    /// Only files of this process's prefix are listed, and only a listed name is read: no
    /// path leaves the directory.
    func testLogFilesServeOnlyTheListedFilesOfTheirProcess() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-logs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "line 1\nline 2\n".write(to: dir.appendingPathComponent("taskmanager-12.log"), atomically: true, encoding: .utf8)
        try "old\n".write(to: dir.appendingPathComponent("taskmanager-12.log.1"), atomically: true, encoding: .utf8)
        try "other\n".write(to: dir.appendingPathComponent("taskmanager-13.log"), atomically: true, encoding: .utf8)
        let files = LogFiles(directory: dir.path, prefix: "taskmanager-12")
        XCTAssertEqual(Set(files.list().map(\.name)), ["taskmanager-12.log", "taskmanager-12.log.1"])
        XCTAssertEqual(try files.tail("taskmanager-12.log", maxBytes: 7).map { String(decoding: $0, as: UTF8.self) }, "line 2\n")
        XCTAssertNil(try files.tail("taskmanager-13.log", maxBytes: 100), "another process's file")
        XCTAssertNil(try files.tail("../../etc/passwd", maxBytes: 100))
        XCTAssertFalse(LogFiles(directory: "", prefix: "x").kept)
        XCTAssertEqual(LogFiles(directory: "", prefix: "x").list(), [])
    }
}
