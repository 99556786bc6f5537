// `bin/bench nexmark`: each Nexmark query at parallelism 1, from the data generator's CSV files
// (the bytes Flink's figures were measured on) and from the in-memory generator, on the heap
// backend and on RocksDB with incremental checkpoints every 10 s, next to Apache Flink 2.3.

import Foundation
import Rivulet
import RivuletNexmark

/// Where a run's events come from.
enum NexmarkBenchSource: String, CaseIterable {
    case csv, generator
}

/// One row of the table.
struct NexmarkPoint {
    var readEvents: Int
    var seconds: Double
    var cpu: Double
    var peakRSSBytes: Int
}

/// Flink 2.3 on this machine (local MiniCluster, p=1, heap, the CSV files of
/// `bin/nexmark-data --events 10000000 --seed 42`): events/s over the events each query reads.
let flinkNexmark: [NexmarkQuery: ClosedRange<Double>] = [
    .q0: 580_000...690_000, .q1: 640_000...670_000, .q2: 690_000...740_000, .q3: 130_000...150_000,
    .q5: 440_000...470_000, .q7: 170_000...170_000, .q8: 100_000...110_000,
]
/// Flink 2.3 on RocksDB with incremental checkpoints every 10 s.
let flinkNexmarkRocksDB: [NexmarkQuery: ClosedRange<Double>] = [.q5: 120_000...120_000, .q7: 8_000...8_000]

/// The CPU seconds Flink spends per second of a p=1 job on this 2-core machine: its side-by-side
/// runs of the keyed, window and word-count cases did 0.45-0.59 of their records/s per CPU-s
/// (task thread, JIT, GC and the MiniCluster's threads), so per CPU-second Flink does about half
/// its events/s. The per-CPU ratios below divide by 2, the favourable end for Flink.
let flinkCPUPerSecond = 2.0

/// Counts of each kind in a data directory, from the generator's `meta.json`.
func nexmarkFileCounts(_ directory: String) throws -> [NexmarkEventKind: Int] {
    let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/meta.json"))
    guard let meta = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let persons = meta["persons"] as? Int, let auctions = meta["auctions"] as? Int, let bids = meta["bids"] as? Int
    else { throw BenchError("\(directory)/meta.json does not list persons, auctions and bids") }
    return [.person: persons, .auction: auctions, .bid: bids]
}

/// Runs one query in this process and prints `NEXMARK read-events seconds cpu peak-rss`.
func runNexmarkPoint(_ query: NexmarkQuery, source: NexmarkBenchSource, backend: String, events: Int, directory: String) throws {
    var settings = ["parallelism.default": "1"]
    let scratch = NSTemporaryDirectory() + "rivulet-nexmark-bench-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    if backend == "rocksdb" {
        settings["state.backend.type"] = "rocksdb"
        settings["state.backend.incremental"] = "true"
        settings["state.backend.rocksdb.localdir"] = scratch + "/rocksdb"
    }
    let env = StreamExecutionEnvironment(configuration: try Configuration(settings))
    if backend == "rocksdb" { try env.enableCheckpointing(.seconds(10), directory: scratch + "/checkpoints") }
    let sources: NexmarkSources
    let read: Int
    switch source {
    case .csv:
        sources = NexmarkSources(.files(directory: directory))
        let counts = try nexmarkFileCounts(directory)
        read = query.reads.map { counts[$0] ?? 0 }.reduce(0, +)
    case .generator:
        sources = NexmarkSources(.generator(try NexmarkGenerator(seed: 42), events: Int64(events), eventsPerSecond: nil))
        read = query.reads.map { Int($0.count(inFirst: Int64(events))) }.reduce(0, +)
    }
    try query.build(env, from: sources, to: .discard(DiscardCounter()))
    let m = try measure(records: read) { _ = try env.execute("nexmark-\(query.rawValue)") }
    print("NEXMARK \(read) \(m.seconds) \(m.cpu) \(peakResidentBytes())")
    fflush(nil)
}

func benchNexmark() throws {
    let events = optionValue("--events").flatMap { Int($0) } ?? 10_000_000 / scale
    guard events > 0, events % 50 == 0 else { throw BenchError("--events must be a positive multiple of 50") }
    let queries =
        try optionValue("--query").map { name in
            if arguments.contains("--sql") { return [] }
            guard let q = NexmarkQuery(rawValue: name) else { throw BenchError("unknown --query '\(name)'") }
            return [q]
        } ?? NexmarkQuery.allCases
    let sourcesToRun =
        try optionValue("--source").map { name in
            guard let s = NexmarkBenchSource(rawValue: name) else { throw BenchError("--source is csv or generator, got '\(name)'") }
            return [s]
        } ?? NexmarkBenchSource.allCases
    let backends =
        try backendFilter.map { name in
            guard ["heap", "rocksdb"].contains(name) else { throw BenchError("nexmark runs --backend heap or rocksdb, got '\(name)'") }
            return [name]
        } ?? ["heap", "rocksdb"]
    let directory = ".build/nexmark-data/events-\(events)-seed-42"
    if sourcesToRun.contains(.csv) && !FileManager.default.fileExists(atPath: directory + "/meta.json") {
        print("writing the CSV files of \(events) events to \(directory) (bin/nexmark-data, once)")
        fflush(nil)
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: "bin/nexmark-data")
        gen.arguments = [directory, "--events", "\(events)", "--seed", "42", "--format", "csv", "--workers", "2"]
        gen.standardOutput = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        guard gen.terminationStatus == 0 else { throw BenchError("bin/nexmark-data failed (exit \(gen.terminationStatus))") }
    }
    if arguments.contains("--sql") {
        try benchNexmarkSQL(events: events, sources: sourcesToRun, directory: directory)
        return
    }
    print("nexmark: \(events) events (\(NexmarkEventKind.bid.count(inFirst: Int64(events))) bids), parallelism 1, one process per run")
    print("  events/s and events per CPU-second count the events the query reads (bids; persons + auctions for q3 and q8;")
    print("  auctions + bids for q4); 'all' counts every event of the stream's span. Flink 2.3: events/s from CSV, heap")
    print("  (RocksDB for q5 and q7), p=1; per CPU-s it is taken as events/s / \(Int(flinkCPUPerSecond)) (it keeps both cores busy).")
    for backend in backends {
        for source in sourcesToRun {
            print("\(source.rawValue), \(backend == "heap" ? "heap" : "RocksDB, incremental checkpoints every 10 s"):")
            print("  query  reads           events/s  all ev/s   ev/CPU-s  peak MB  Flink ev/s      vs Flink (wall, per CPU-s)")
            for query in queries {
                let v = try runPoint(
                    ["--nexmark-point", query.rawValue, source.rawValue, backend, "\(events)", directory], marker: "NEXMARK", fields: 4)
                guard let read = Int(v[0]), let seconds = Double(v[1]), let cpu = Double(v[2]), let peak = Int(v[3]) else {
                    throw BenchError("nexmark point printed \(v)")
                }
                let point = NexmarkPoint(readEvents: read, seconds: seconds, cpu: cpu, peakRSSBytes: peak)
                let perSecond = Double(point.readEvents) / point.seconds, perCPU = Double(point.readEvents) / point.cpu
                let reads = query.reads.map(\.rawValue).joined(separator: "+")
                var line =
                    "  \(query.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0))  \(reads.padding(toLength: 14, withPad: " ", startingAt: 0))"
                    + "\(millions(perSecond).leftPadded(9))  \(millions(Double(events) / point.seconds).leftPadded(8))  "
                    + "\(millions(perCPU).leftPadded(9))  \(String(point.peakRSSBytes >> 20).leftPadded(7))"
                let flink = backend == "heap" ? flinkNexmark[query] : flinkNexmarkRocksDB[query]
                if source == .csv, let flink {
                    let mid = (flink.lowerBound + flink.upperBound) / 2
                    let range =
                        flink.lowerBound == flink.upperBound
                        ? millions(mid) : "\(millions(flink.lowerBound))-\(millions(flink.upperBound))"
                    line +=
                        "  \(range.padding(toLength: 13, withPad: " ", startingAt: 0))  \(String(format: "%.1fx", perSecond / mid)), \(String(format: "%.1fx", perCPU / (mid / flinkCPUPerSecond)))"
                }
                print(line)
                fflush(nil)
            }
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
