// Whole jobs on the RocksDB backend: the same results as on the heap backend.

import Foundation
import XCTest
import Rivulet
import RivuletCore
import RivuletExamples

final class RocksDBJobTests: XCTestCase {
    func environment(backend: String, parallelism: Int = 2, _ extra: [String: String] = [:]) throws -> StreamExecutionEnvironment {
        try Rivulet.StreamExecutionEnvironment(
            configuration: Configuration(
                [
                    "parallelism.default": String(parallelism),
                    "state.backend.type": backend,
                    "state.backend.rocksdb.localdir": NSTemporaryDirectory() + "rivulet-test-rocksdb",
                ].merging(extra) { $1 }))
    }

    /// Keyed reduce, tumbling and session windows with allowed lateness, and a keyed process
    /// function with map state and timers.
    func runJobs(backend: String) throws -> [String] {
        let env = try environment(backend: backend)
        let out = CollectedValues<String>()
        let events = (0..<3000).map { i in Event(key: "k\(i % 37)", timestamp: Int64(i * 7 % 5000), value: i % 11) }
        let stream = env.fromCollection(events)
            .assignTimestampsAndWatermarks(punctuated(delay: 400) { $0.timestamp })
            .setParallelism(1)  // watermarks follow the source: the results are deterministic
        stream.keyBy { $0.key }.sum(\.value).map { "sum \($0.key) \($0.value)" }.collect(into: out)
        stream.keyBy { $0.key }
            .window(try TumblingEventTimeWindows.of(size: .milliseconds(250)))
            .allowedLateness(.milliseconds(100))
            .aggregate(CountEvents(), LabelWindow())
            .map { "tumbling \($0)" }.collect(into: out)
        stream.keyBy { $0.key }
            .window(try EventTimeSessionWindows.withGap(.milliseconds(30)))
            .reduce { a, b in Event(key: a.key, timestamp: max(a.timestamp, b.timestamp), value: a.value + b.value) }
            .map { "session \($0.key) \($0.timestamp) \($0.value)" }.collect(into: out)
        stream.keyBy { $0.key }.process { SumWithTimer() }.map { "timer \($0)" }.collect(into: out)
        try env.execute("rocksdb jobs")
        return out.values.sorted()
    }

    func testJobsGiveTheSameResultsOnBothBackends() throws {
        let heap = try runJobs(backend: "heap")
        let rocks = try runJobs(backend: "rocksdb")
        XCTAssertGreaterThan(heap.count, 3000)
        XCTAssertEqual(rocks.count, heap.count)
        let difference = rocks.difference(from: heap)
        XCTAssertTrue(difference.isEmpty, "first differences: \(Array(difference.prefix(5)))")
    }

    func testWordCountOnRocksDB() throws {
        let heap = CollectedValues<WordCount>(), rocks = CollectedValues<WordCount>()
        for (backend, out) in [("heap", heap), ("rocksdb", rocks)] {
            let env = try environment(backend: backend, parallelism: 3)
            env.fromCollection(SampleText.lines).flatMap { Tokenizer.words($0) }
                .keyBy { $0 }.process { CountUntilEnd() }.collect(into: out)
            try env.execute("wordcount \(backend)")
        }
        XCTAssertEqual(rocks.values.map(\.description).sorted(), heap.values.map(\.description).sorted())
        XCTAssertFalse(heap.values.isEmpty)
    }

    /// More pending window timers than the RocksDB backend keeps in memory (128 per queue
    /// with a small write cache), so timers move to RocksDB and back, and window contents are
    /// written through (no cache) or evicted from a full cache and read back: the results
    /// equal the heap backend's.
    func testSpilledTimersGiveTheHeapBackendsResults() throws {
        func run(_ backend: String, cache: Int = 0) throws -> [String] {
            let env = try environment(backend: backend, ["state.backend.rocksdb.write-cache-entries": String(cache)])
            let out = CollectedValues<String>()
            let events = (0..<20_000).map { i in Event(key: "k\(i % 1000)", timestamp: Int64(i / 4 + (i % 7) * 3), value: i % 13) }
            env.fromCollection(events)
                .assignTimestampsAndWatermarks(punctuated(delay: 50) { $0.timestamp })
                .setParallelism(1)
                .keyBy { $0.key }
                .window(try SlidingEventTimeWindows.of(size: .milliseconds(400), slide: .milliseconds(100)))
                .aggregate(CountEvents(), LabelWindow())
                .collect(into: out)
            try env.execute("spilled timers \(backend)")
            return out.values.sorted()
        }
        let heap = try run("heap")
        XCTAssertGreaterThan(heap.count, 20_000)
        for cache in [0, 100] {
            let rocks = try run("rocksdb", cache: cache)
            XCTAssertEqual(rocks.count, heap.count, "write cache of \(cache) entries")
            let difference = rocks.difference(from: heap)
            XCTAssertTrue(difference.isEmpty, "write cache of \(cache) entries, first differences: \(Array(difference.prefix(5)))")
        }
    }
}
