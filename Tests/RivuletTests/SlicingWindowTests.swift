// Sliding windows that share slices (SlicingWindowOperator) give what the per-window operator
// gives: the same counts, the same late elements, on both backends, through a restore.

import Foundation
import XCTest
import Rivulet
import RivuletCore
import RivuletTesting

/// Lists a window's elements (process() keeps every element, so it runs the per-window
/// WindowOperator, never the slicing one).
struct CountListed: ProcessWindowFunction {
    func process(key: String, context: WindowContext<TimeWindow>, elements: [Event], out: Collector<String>) throws {
        try out.collect("\(key) [\(context.window.start),\(context.window.end)) \(elements.count)")
    }
}

final class SlicingWindowTests: XCTestCase {
    /// Out-of-order events over 23 keys; the watermark trails by 40 ms, and one event in 50
    /// is 300 ms late (late for some or all of its windows).
    static let events: [Event] = (0..<6000).map { i in
        let jitter = Int64((i * 7919) % 41)
        let late: Int64 = i % 50 == 49 ? 300 : 0
        return Event(key: "k\((i * 31) % 23)", timestamp: Int64(i) * 3 - jitter - late)
    }

    func run(sliced: Bool, backend: String, parallelism: Int) throws -> (windows: [String], late: [Int64]) {
        let env = try environment(
            parallelism: parallelism,
            ["state.backend.type": backend, "state.backend.rocksdb.localdir": NSTemporaryDirectory() + "rivulet-test-rocksdb"])
        let lateTag = OutputTag<Event>("late")
        let windows = CollectedValues<String>(), late = CollectedValues<Event>()
        let windowed = env.fromCollection(Self.events)
            .assignTimestampsAndWatermarks(punctuated(delay: 40) { $0.timestamp })
            .setParallelism(1)
            .keyBy { $0.key }
            .window(try SlidingEventTimeWindows.of(size: .milliseconds(100), slide: .milliseconds(20)))
            .sideOutputLateData(lateTag)
        let counted = sliced ? windowed.aggregate(CountEvents(), LabelWindow()) : windowed.process(CountListed())
        counted.collect(into: windows)
        counted.getSideOutput(lateTag).collect(into: late)
        try env.execute("sliding")
        return (windows.values.sorted(), late.values.map(\.timestamp).sorted())
    }

    func testSlicedWindowsMatchPerWindowResultsWithLateEvents() throws {
        let expected = try run(sliced: false, backend: "heap", parallelism: 1)
        XCTAssertGreaterThan(expected.windows.count, 5000)
        XCTAssertFalse(expected.late.isEmpty, "some events are late for all their windows")
        for backend in ["heap", "rocksdb"] {
            for parallelism in [1, 3] {
                let actual = try run(sliced: true, backend: backend, parallelism: parallelism)
                XCTAssertEqual(actual.windows.count, expected.windows.count, "\(backend) p\(parallelism)")
                XCTAssertTrue(
                    actual.windows == expected.windows,
                    "\(backend) p\(parallelism): \(Array(actual.windows.difference(from: expected.windows).prefix(4)))")
                XCTAssertEqual(actual.late, expected.late, "\(backend) p\(parallelism)")
            }
        }
    }

    /// Windows of 5 slides each: an element updates one slice, and a window is built from up to 5.
    func testASlicedWindowHoldsTheElementsOfItsSlices() throws {
        let env = try environment()
        let out = CollectedValues<String>()
        env.fromCollection([1, 5, 12, 47, 48, 120].map { Event(key: "k", timestamp: $0) })
            .assignTimestampsAndWatermarks(punctuated(delay: 1000) { $0.timestamp })
            .keyBy { $0.key }
            .window(try SlidingEventTimeWindows.of(size: .milliseconds(50), slide: .milliseconds(10)))
            .aggregate(CountEvents(), LabelWindow())
            .collect(into: out)
        try env.execute("sliced")
        XCTAssertEqual(
            out.values.sorted(),
            [
                "k [-10,40) 3", "k [-20,30) 3", "k [-30,20) 3", "k [-40,10) 2", "k [0,50) 5", "k [10,60) 3", "k [100,150) 1",
                "k [20,70) 2", "k [30,80) 2", "k [40,90) 2", "k [80,130) 1", "k [90,140) 1", "k [110,160) 1", "k [120,170) 1",
            ].sorted())
    }
}

final class SlicingWindowRestoreTests: XCTestCase {
    static let records = 40_000
    static let keys = 7

    /// Event i: key i mod 7 at time i ms; sliding windows of 100 ms every 20 ms, counted.
    static func job(_ env: StreamExecutionEnvironment, rate: Double?, sink: CollectedValues<String>) throws {
        let keys = Self.keys
        let source = DataGeneratorSource<Event>(count: Int64(Self.records), recordsPerSecond: rate, seed: 1) { i, _ in
            Event(key: "k\(i % Int64(keys))", timestamp: i)
        }
        env.fromSource(source, name: "Events").uid("events")
            .assignTimestampsAndWatermarks(punctuated(delay: 0) { $0.timestamp }).uid("watermarks")
            .keyBy { $0.key }
            .window(try SlidingEventTimeWindows.of(size: .milliseconds(100), slide: .milliseconds(20)))
            .aggregate(CountEvents(), LabelWindow()).uid("windows")
            .collect(into: sink)
    }

    /// What every window holds, computed directly.
    static func expected() -> Set<String> {
        var counts: [String: Int] = [:]
        for i in 0..<records {
            var end = (i / 20 + 1) * 20
            while end - 100 <= i {
                counts["k\(i % keys) [\(end - 100),\(end))", default: 0] += 1
                end += 20
            }
        }
        return Set(counts.map { "\($0.key) \($0.value)" })
    }

    /// A savepoint taken with one state entry per window (`pipeline.window-slicing: false`, as
    /// every savepoint before slices) restores into a job that slices by default: the windows
    /// open at the savepoint keep what they held (the operator falls back to the per-window
    /// form), so every window the restored job emits has all its elements.
    func testAPerWindowSavepointRestoresWithItsWindows() throws {
        let savepoint = try temporaryDirectory() + "/sp", checkpoints = try temporaryDirectory()
        let cluster = MiniCluster()
        let done = DispatchSemaphore(value: 0)
        Thread {
            let env = try? environment(parallelism: 2, ["pipeline.window-slicing": "false"])
            if let env {
                _ = try? env.enableCheckpointing(.milliseconds(50), directory: checkpoints)
                try? Self.job(env, rate: 20_000, sink: CollectedValues<String>())
                _ = try? env.execute("per-window", on: cluster, options: ExecutionOptions(log: { _ in }))
            }
            done.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.6)
        _ = try cluster.triggerSavepoint(into: savepoint)
        cluster.cancel()
        done.wait()
        let names = try FileSystemCheckpointStorage.readMetadata(directory: savepoint)
        XCTAssertFalse(names.operators.isEmpty)

        let restored = CollectedValues<String>()
        let env = try environment(parallelism: 3)
        try env.enableCheckpointing(.milliseconds(50), directory: checkpoints)
        try Self.job(env, rate: nil, sink: restored)
        try env.execute("sliced", options: ExecutionOptions(restoreFromSavepoint: savepoint, log: { _ in }))
        let expected = Self.expected()
        let emitted = restored.values
        XCTAssertGreaterThan(emitted.count, 100, "the restored job emitted the windows after the savepoint")
        let wrong = emitted.filter { !expected.contains($0) }
        XCTAssertTrue(wrong.isEmpty, "windows with wrong counts after the restore: \(wrong.prefix(5))")
    }
}
