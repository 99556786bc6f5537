// `rivulet-bench`: engine throughput next to hand-written single-threaded loops (the physical limit).

import Foundation
import Synchronization
import Rivulet
import RivuletCore
import RivuletExamples
import RivuletNexmark

let arguments = CommandLine.arguments.dropFirst()
let scale = arguments.contains("--quick") ? 10 : 1
/// The value after `--name`, if given.
func optionValue(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[arguments.index(after: $0)] : nil }
}
/// Options that take a value: `--backend` (the checkpointed cases, or nexmark's backends),
/// and nexmark's `--events`, `--query` and `--source`.
let valueOptions = ["--backend", "--events", "--query", "--source"]
/// `--backend heap|rocksdb|rocksdb-incremental`: the checkpointed cases run only that configuration.
let backendFilter = optionValue("--backend")
let only = arguments.indices.first { i in
    !arguments[i].hasPrefix("--") && (i == arguments.startIndex || !valueOptions.contains(arguments[arguments.index(before: i)]))
}.map { arguments[$0] }

/// `--nexmark-point QUERY SOURCE BACKEND EVENTS DIRECTORY`: one run of `nexmark`, in a child process.
if let flag = arguments.firstIndex(of: "--nexmark-point") {
    let v = Array(arguments[arguments.index(after: flag)...])
    guard v.count == 5, let query = NexmarkQuery(rawValue: v[0]), let source = NexmarkBenchSource(rawValue: v[1]), let events = Int(v[3])
    else {
        print("usage: rivulet-bench --nexmark-point QUERY csv|generator heap|rocksdb EVENTS DIRECTORY")
        exit(2)
    }
    do {
        try runNexmarkPoint(query, source: source, backend: v[2], events: events, directory: v[4])
        exit(0)
    } catch {
        print("nexmark point: error: \(error)")
        exit(1)
    }
}

/// `--nexmark-sql-point QUERY SOURCE EVENTS DIRECTORY`: one run of `nexmark --sql`, in a child process.
if let flag = arguments.firstIndex(of: "--nexmark-sql-point") {
    let v = Array(arguments[arguments.index(after: flag)...])
    guard v.count == 4, let source = NexmarkBenchSource(rawValue: v[1]), let events = Int(v[2]) else {
        print("usage: rivulet-bench --nexmark-sql-point QUERY csv|generator EVENTS DIRECTORY")
        exit(2)
    }
    do {
        try runNexmarkSQLPoint(v[0], source: source, events: events, directory: v[3])
        exit(0)
    } catch {
        print("nexmark sql point: error: \(error)")
        exit(1)
    }
}

/// `--scaling-point JOB KEYS PARALLELISM RECORDS [key=value ...]`: one point of `scaling`, run
/// in a child process; the settings after it go into the job's configuration.
if let flag = arguments.firstIndex(of: "--scaling-point") {
    let values = Array(arguments[arguments.index(after: flag)...])
    let settings = values.dropFirst(4).map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
    guard values.count >= 4, let job = ScalingJob(rawValue: values[0]), let keys = Int(values[1]), let parallelism = Int(values[2]),
        let records = Int(values[3]), settings.allSatisfy({ $0.count == 2 })
    else {
        print("usage: rivulet-bench --scaling-point keyed|window KEYS PARALLELISM RECORDS [key=value ...]")
        exit(2)
    }
    do {
        let configuration = Dictionary(settings.map { ($0[0], $0[1]) }, uniquingKeysWith: { $1 })
        try runScalingPoint(job, keys: keys, parallelism: parallelism, records: records, settings: configuration)
        exit(0)
    } catch {
        print("scaling point: error: \(error)")
        exit(1)
    }
}

/// CPU seconds (user + system) this process has used.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

struct Measurement {
    var seconds: Double
    var cpu: Double
    var records: Int
    var perSecond: Double { Double(records) / seconds }
    var perCPUSecond: Double { Double(records) / cpu }
}

/// Prints, per vertex, the share of the run its subtasks spent blocked on full output channels
/// (a blocked producer means the consumer is the bottleneck).
func printBackpressure(_ result: JobExecutionResult) {
    let seconds = Double(result.durationMillis) / 1000
    for (vertex, nanos) in result.backPressuredNanosByVertex.sorted(by: { $0.key < $1.key }) where nanos > 0 {
        print("  backpressure: '\(vertex)' blocked \(String(format: "%.0f", Double(nanos) / 1e9 / seconds * 100))% of the time")
    }
}

func measure(records: Int, _ body: () throws -> Void) rethrows -> Measurement {
    let cpu0 = cpuSeconds()
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    let t1 = DispatchTime.now().uptimeNanoseconds
    return Measurement(seconds: Double(t1 - t0) / 1e9, cpu: max(cpuSeconds() - cpu0, 1e-9), records: records)
}

func millions(_ x: Double) -> String { String(format: "%.2fM", x / 1e6) }

func report(_ name: String, engine: Measurement, loop: Measurement, flink: String) {
    let ratio = loop.perSecond / engine.perSecond
    print("\(name)")
    print(
        "  engine: \(millions(engine.perSecond)) records/s, \(millions(engine.perCPUSecond)) records/CPU-s (\(String(format: "%.2f", engine.seconds)) s)"
    )
    print("  loop:   \(millions(loop.perSecond)) records/s, \(millions(loop.perCPUSecond)) records/CPU-s (\(String(format: "%.2f", loop.seconds)) s)")
    print("  loop/engine: \(String(format: "%.2f", ratio))x   Flink 2.3 reference: \(flink)")
    fflush(nil)
}

func environment() throws -> StreamExecutionEnvironment {
    StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "1"]))
}

/// Keeps the optimizer from deleting a loop's work.
@inline(never) func blackHole<T>(_ value: T) { _ = value }

// MARK: 1. Stateless

func benchStateless() throws {
    let n = 50_000_000 / scale
    let engine = try measure(records: n) {
        let env = try environment()
        let counter = DiscardCounter()
        env.fromSequence(1, n).filter { $0 % 2 == 0 }.map { $0 &* 2 }.discard(counter: counter)
        try env.execute("stateless")
        precondition(counter.count == n / 2, "stateless: wrong count \(counter.count)")
    }
    let loop = measure(records: n) {
        var kept = 0, checksum = 0
        var i = 1
        while i <= n {
            let v = i
            if v % 2 == 0 { kept += 1; checksum &+= v &* 2 }
            i += 1
            if i & 0xFFFF == 0 { blackHole(checksum) }
        }
        blackHole((kept, checksum))
    }
    report("1. stateless: \(n / 1_000_000)M longs -> filter(even) -> map(x2) -> discard", engine: engine, loop: loop, flink: "6-9M records/s")
}

// MARK: 2. Keyed aggregation

func benchKeyed() throws {
    let n = 20_000_000 / scale, keys = 100_000
    let engine = try measure(records: n) {
        let env = try environment()
        let counter = DiscardCounter()
        env.generate(count: Int64(n)) { i, _ in KeyedCount.event(i, keys: keys) }
            .keyBy { $0.key }
            .reduce { a, b in KeyedCount(key: a.key, count: a.count + b.count, sum: a.sum + b.sum) }
            .discard(counter: counter)
        printBackpressure(try env.execute("keyed"))
        precondition(counter.count == n, "keyed: wrong count")
    }
    let loop = measure(records: n) {
        var state: [Int: KeyedCount] = [:]
        var checksum = 0
        for i in 0..<Int64(n) {
            let r = KeyedCount.event(i, keys: keys)
            let updated: KeyedCount
            if let old = state[r.key] {
                updated = KeyedCount(key: r.key, count: old.count + 1, sum: old.sum + r.sum)
            } else {
                updated = r
            }
            state[r.key] = updated
            checksum &+= updated.sum
        }
        blackHole((state.count, checksum))
    }
    report(
        "2. keyed aggregation: \(n / 1_000_000)M records, \(keys / 1000)k keys, running count+sum", engine: engine, loop: loop,
        flink: "0.93M records/s")
}

// MARK: 3. Tumbling window

struct WindowedValue: Sendable {
    var key: Int
    var value: Int
    var timestamp: Int64
}

struct CountSum: Sendable, Hashable, Codable, BinaryCodable {
    var count = 0
    var sum = 0
}

struct CountSumAggregate: AggregateFunction {
    func createAccumulator() -> CountSum { CountSum() }
    func add(_ value: WindowedValue, to acc: inout CountSum) throws {
        acc.count += 1
        acc.sum += value.value
    }
    func result(_ acc: CountSum) throws -> CountSum { acc }
    func merge(_ a: CountSum, _ b: CountSum) throws -> CountSum { CountSum(count: a.count + b.count, sum: a.sum + b.sum) }
}

@inline(__always) func windowedRecord(_ i: Int64, keys: Int) -> WindowedValue {
    WindowedValue(key: Int((UInt64(bitPattern: i) &* 0x9E37_79B9_7F4A_7C15) >> 20) % keys, value: Int(i & 1023), timestamp: i / 100)
}

struct WindowKey: Hashable {
    var key: Int
    var start: Int64
}

func benchWindow() throws {
    let n = 20_000_000 / scale, keys = 10_000
    var engineWindows = 0
    let engine = try measure(records: n) {
        let env = try environment()
        let counter = DiscardCounter()
        env.generate(count: Int64(n)) { i, _ in windowedRecord(i, keys: keys) }
            .assignTimestampsAndWatermarks(
                WatermarkStrategy<WindowedValue>.forMonotonousTimestamps()
                    .withTimestampAssigner { r, _ in r.timestamp }
            )
            .keyBy { $0.key }
            .window(try TumblingEventTimeWindows.of(size: .seconds(1)))
            .aggregate(CountSumAggregate())
            .discard(counter: counter)
        printBackpressure(try env.execute("window"))
        engineWindows = counter.count
    }
    var loopWindows = 0
    let loop = measure(records: n) {
        var open: [WindowKey: CountSum] = [:]
        var currentSecond: Int64 = 0
        var checksum = 0
        for i in 0..<Int64(n) {
            let r = windowedRecord(i, keys: keys)
            let second = r.timestamp / 1000
            if second != currentSecond {
                // The watermark passed the end of the previous second: fire its windows.
                for (k, v) in open where k.start < second * 1000 {
                    checksum &+= v.sum
                    loopWindows += 1
                    open[k] = nil
                }
                currentSecond = second
            }
            open[WindowKey(key: r.key, start: second * 1000), default: CountSum()].count += 1
            open[WindowKey(key: r.key, start: second * 1000)]?.sum += r.value
        }
        for (_, v) in open { checksum &+= v.sum; loopWindows += 1 }
        blackHole(checksum)
    }
    precondition(engineWindows == loopWindows, "window: engine fired \(engineWindows) windows, loop \(loopWindows)")
    report(
        "3. event-time tumbling window: \(n / 1_000_000)M records, \(keys / 1000)k keys, 1 s windows, count+sum (\(loopWindows) windows)",
        engine: engine, loop: loop, flink: "1.33M records/s")
}

// MARK: 4. Word count of a text file

func wordFile(megabytes: Int) throws -> String {
    let path = "/tmp/rivulet-bench-words-\(megabytes)mb.txt"
    if FileManager.default.fileExists(atPath: path) { return path }
    var rng = SplitMix64(seed: 2026)
    let vocabulary: [String] = (0..<10_000).map { i in
        var w = ""
        var x = UInt64(i) &* 2_654_435_761 &+ 12345
        for _ in 0..<(3 + i % 8) {
            w.append(Character(Unicode.Scalar(UInt8(97 + x % 26))))
            x = x / 26 &+ UInt64(i) &* 31
        }
        return w + String(i)
    }
    var out = [UInt8]()
    out.reserveCapacity(megabytes << 20 + 1024)
    while out.count < megabytes << 20 {
        for j in 0..<12 {
            out.append(contentsOf: vocabulary[Int(rng.next() % 10_000)].utf8)
            out.append(j == 11 ? 10 : 32)
        }
    }
    guard FileManager.default.createFile(atPath: path + ".tmp", contents: Data(out)) else {
        throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path + ".tmp"])
    }
    try FileManager.default.moveItem(atPath: path + ".tmp", toPath: path)
    return path
}

func benchWordCount() throws {
    let megabytes = 200 / scale
    let path = try wordFile(megabytes: megabytes)
    var words = 0
    let loop = try measure(records: 0) {
        var counts: [String: Int] = [:]
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") {
            Tokenizer.forEachWord(in: String(line)) {
                counts[$0, default: 0] += 1; words += 1
            }
        }
        blackHole(counts.count)
    }
    let engine = try measure(records: words) {
        let env = try environment()
        let sink = CollectedValues<WordCount>()
        try env.readTextFile(path)
            .flatMap { (line: String, out: Collector<String>) in try Tokenizer.forEachWord(in: line) { try out.collect($0) } }
            .keyBy { $0 }
            .process { CountUntilEnd() }
            .collect(into: sink)
        printBackpressure(try env.execute("wordcount"))
        let total = sink.values.reduce(0) { $0 + $1.count }
        precondition(total == words, "wordcount: engine counted \(total) words, loop \(words)")
    }
    report(
        "4. word count: \(megabytes) MB file, 10k-word vocabulary (\(words / 1_000_000)M words; rates in words/s)",
        engine: engine, loop: Measurement(seconds: loop.seconds, cpu: loop.cpu, records: words), flink: "1.7M words/s")
}

// MARK: 5. Start-up of a small job

func benchStartup() throws {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rivulet").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        print("5. skipped: \(binary) not built")
        return
    }
    let input = "/tmp/rivulet-bench-100-lines.txt"
    try (0..<100).map { "record \($0) of a small job" }.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
    var runs: [Double] = []
    var peakKB = 0
    // Private memory (RssAnon): what the run itself allocated, without the pages of the binary
    // and of the shared libraries it maps (which other processes share).
    var peakAnonKB = 0
    for _ in 0..<5 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["local", "wordcount", "--input", input]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let t0 = DispatchTime.now().uptimeNanoseconds
        try process.run()
        // The child's own high-water mark (VmHWM), sampled until it exits: getrusage's
        // child maxrss would include this process's pages, shared until exec.
        let status = "/proc/\(process.processIdentifier)/status"
        while process.isRunning {
            if let text = try? String(contentsOfFile: status, encoding: .utf8) {
                func kilobytes(_ field: String) -> Int? {
                    text.split(separator: "\n").first { $0.hasPrefix(field) }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
                }
                if let kb = kilobytes("VmHWM:") { peakKB = max(peakKB, kb) }
                if let kb = kilobytes("RssAnon:") { peakAnonKB = max(peakAnonKB, kb) }
            }
            usleep(500)
        }
        process.waitUntilExit()
        runs.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    runs.sort()
    print(
        "5. 100-record job (rivulet local wordcount): median \(String(format: "%.3f", runs[runs.count / 2])) s from start to exit, peak RSS \(peakKB / 1024) MB (sampled VmHWM; private memory \(peakAnonKB / 1024) MB, the rest is mapped code)   Flink 2.3 reference: about 6 s and 400 MB"
    )
}

// MARK: 6. Serialization

/// A Nexmark-style bid whose BinaryCodable encoding is derived from Codable.
struct DerivedBid: Sendable, Hashable, Codable, BinaryCodable {
    var auction: Int64
    var bidder: Int64
    var price: Double
    var channel: String
    var dateTime: Int64
}

/// The same bid with a hand-written BinaryCodable encoding (fixed-width fields, length-prefixed string).
struct HandWrittenBid: Sendable, Hashable, Codable, BinaryCodable {
    var auction: Int64
    var bidder: Int64
    var price: Double
    var channel: String
    var dateTime: Int64

    init(auction: Int64, bidder: Int64, price: Double, channel: String, dateTime: Int64) {
        self.auction = auction
        self.bidder = bidder
        self.price = price
        self.channel = channel
        self.dateTime = dateTime
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(auction)
        writer.writeInt64(bidder)
        writer.writeDouble(price)
        writer.writeString(channel)
        writer.writeInt64(dateTime)
    }

    init(from reader: inout BinaryReader) throws {
        auction = try reader.readInt64()
        bidder = try reader.readInt64()
        price = try reader.readDouble()
        channel = try reader.readString()
        dateTime = try reader.readInt64()
    }
}

let bidChannels = ["apple", "google", "facebook", "baidu", "channel-1234"]

@inline(__always) func derivedBid(_ i: Int) -> DerivedBid {
    DerivedBid(
        auction: Int64(1000 + i % 997), bidder: Int64(i &* 31 % 100_003), price: Double(i % 10_000) / 100 + 1,
        channel: bidChannels[i % bidChannels.count], dateTime: 1_700_000_000_000 + Int64(i))
}

@inline(__always) func handWrittenBid(_ i: Int) -> HandWrittenBid {
    let b = derivedBid(i)
    return HandWrittenBid(auction: b.auction, bidder: b.bidder, price: b.price, channel: b.channel, dateTime: b.dateTime)
}

/// Encodes and decodes `n` values with `roundTrip` (which returns the decoded value's bidder,
/// checked against the original); returns round trips per second and the mean encoded size.
func serializationRate(_ n: Int, _ roundTrip: (Int) throws -> (bidder: Int64, bytes: Int)) throws -> (perSecond: Double, bytes: Double) {
    var bytes = 0, checksum: Int64 = 0
    let m = try measure(records: n) {
        for i in 0..<n {
            let r = try roundTrip(i)
            bytes += r.bytes
            checksum &+= r.bidder
        }
    }
    blackHole(checksum)
    return (m.perSecond, Double(bytes) / Double(n))
}

func benchSerialization() throws {
    // Sizes for about a second each: the three paths differ by more than 20x.
    let n = 3_000_000 / scale, nDerived = 200_000 / scale, nJSON = 100_000 / scale
    var writer = BinaryWriter()
    let derived = try serializationRate(nDerived) { i in
        let bid = derivedBid(i)
        writer.reset()
        bid.encode(to: &writer)
        var reader = BinaryReader(writer.bytes)
        let back = try DerivedBid(from: &reader)
        precondition(back == bid, "derived path did not round-trip")
        return (back.bidder, writer.bytes.count)
    }
    let handWritten = try serializationRate(n) { i in
        let bid = handWrittenBid(i)
        writer.reset()
        bid.encode(to: &writer)
        var reader = BinaryReader(writer.bytes)
        let back = try HandWrittenBid(from: &reader)
        precondition(back == bid, "hand-written path did not round-trip")
        return (back.bidder, writer.bytes.count)
    }
    let encoder = JSONEncoder(), decoder = JSONDecoder()
    let json = try serializationRate(nJSON) { i in
        let bid = derivedBid(i)
        let data = try encoder.encode(bid)
        let back = try decoder.decode(DerivedBid.self, from: data)
        precondition(back == bid, "JSON did not round-trip")
        return (back.bidder, data.count)
    }
    func line(_ name: String, _ r: (perSecond: Double, bytes: Double)) -> String {
        "  \(name)\(millions(r.perSecond)) round trips/s, \(String(format: "%.0f", r.bytes)) bytes each"
    }
    print(
        "6. serialization: encode + decode of a bid (Int64 x3, Double, String); \(nDerived / 1000)k derived, \(n / 1000)k hand-written, \(nJSON / 1000)k JSON round trips"
    )
    print(line("BinaryCodable derived from Codable: ", derived))
    print(line("BinaryCodable hand-written:         ", handWritten))
    print(line("JSONEncoder + JSONDecoder:          ", json))
    print(
        "  derived/JSON: \(String(format: "%.1f", derived.perSecond / json.perSecond))x   hand-written/JSON: \(String(format: "%.1f", handWritten.perSecond / json.perSecond))x   hand-written/derived: \(String(format: "%.1f", handWritten.perSecond / derived.perSecond))x"
    )
    fflush(nil)
}

// MARK: 7. Checkpointing

/// A temporary checkpoint directory, removed after `body`.
func withCheckpointDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = NSTemporaryDirectory() + "rivulet-bench-checkpoints-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// An environment at parallelism 1 that checkpoints every `interval` into `directory` with the
/// given keyed state backend (`state.backend.type`, `state.backend.incremental`).
func checkpointedEnvironment(backend: String, incremental: Bool = false, interval: String, directory: String) throws -> StreamExecutionEnvironment {
    StreamExecutionEnvironment(
        configuration: try Configuration([
            "parallelism.default": "1",
            "execution.checkpointing.interval": interval,
            "state.checkpoints.dir": directory,
            "state.backend.type": backend,
            "state.backend.incremental": incremental ? "true" : "false",
        ]))
}

func megabytes(_ bytes: Double) -> String { String(format: "%.2f MB", bytes / 1e6) }

/// `n checkpoints, mean D ms, mean U uploaded (of S state)` for a run's completed checkpoints.
func checkpointSummary(_ stats: [CheckpointStats]) -> String {
    guard !stats.isEmpty else { return "no checkpoint completed" }
    let count = Double(stats.count)
    let duration = Double(stats.reduce(0) { $0 + $1.durationMillis }) / count
    let uploaded = Double(stats.reduce(0) { $0 + $1.uploadedBytes }) / count
    let state = Double(stats.reduce(0) { $0 + $1.stateBytes }) / count
    return
        "\(stats.count) checkpoint\(stats.count == 1 ? "" : "s"), mean \(String(format: "%.0f", duration)) ms, mean \(megabytes(uploaded)) uploaded (of \(megabytes(state)) state)"
}

/// Runs `build` once without checkpoints and once per backend with a checkpoint every second,
/// printing records/s, the ratio to the run without checkpoints and the checkpoint statistics.
func benchCheckpointed(_ title: String, records: Int, _ build: (StreamExecutionEnvironment) throws -> Void) throws {
    print(title)
    var plain: Measurement?
    if backendFilter == nil {
        plain = try measure(records: records) {
            let env = try environment()
            try build(env)
            try env.execute("plain")
        }
        print("  no checkpoints:       \(millions(plain?.perSecond ?? 0)) records/s")
    }
    let configurations = [("heap", "heap", false), ("rocksdb", "rocksdb", false), ("rocksdb incremental", "rocksdb", true)]
    for (label, backend, incremental) in configurations where backendFilter == nil || backendFilter == label.replacingOccurrences(of: " ", with: "-")
    {
        var stats: [CheckpointStats] = []
        let run = try withCheckpointDirectory { dir in
            try measure(records: records) {
                let env = try checkpointedEnvironment(backend: backend, incremental: incremental, interval: "1 s", directory: dir)
                try build(env)
                stats = try env.execute("checkpointed-\(backend)").checkpointStats
            }
        }
        let name = "\(label):".padding(toLength: 29, withPad: " ", startingAt: 0)
        let ratio = plain.map { String(format: " (%.2fx)", run.perSecond / $0.perSecond) } ?? ""
        print("  \(name)\(millions(run.perSecond)) records/s\(ratio), \(checkpointSummary(stats))")
    }
    fflush(nil)
}

func benchKeyedCheckpointed() throws {
    let n = 20_000_000 / scale, keys = 100_000
    try benchCheckpointed(
        "7a. keyed aggregation with checkpoints every 1 s: \(n / 1_000_000)M records, \(keys / 1000)k keys, running count+sum", records: n
    ) { env in
        let counter = DiscardCounter()
        env.generate(count: Int64(n)) { i, _ in KeyedCount.event(i, keys: keys) }
            .keyBy { $0.key }
            .reduce { a, b in KeyedCount(key: a.key, count: a.count + b.count, sum: a.sum + b.sum) }
            .discard(counter: counter)
    }
}

func benchWindowCheckpointed() throws {
    let n = 10_000_000 / scale, keys = 10_000
    try benchCheckpointed(
        "7b. event-time tumbling window with checkpoints every 1 s: \(n / 1_000_000)M records, \(keys / 1000)k keys, 1 s windows, count+sum",
        records: n
    ) { env in
        env.generate(count: Int64(n)) { i, _ in windowedRecord(i, keys: keys) }
            .assignTimestampsAndWatermarks(
                WatermarkStrategy<WindowedValue>.forMonotonousTimestamps()
                    .withTimestampAssigner { r, _ in r.timestamp }
            )
            .keyBy { $0.key }
            .window(try TumblingEventTimeWindows.of(size: .seconds(1)))
            .aggregate(CountSumAggregate())
            .discard()
    }
}

// MARK: 8. Checkpoint size and restore time

/// Count and sum of a key with a hand-written BinaryCodable encoding (24 bytes): the state of
/// the large-state cases, so that they measure checkpointing rather than the derived Codable
/// path (case 6 shows that path is over 20x slower).
struct CompactCount: Sendable, Hashable, BinaryCodable {
    var key: Int
    var count: Int
    var sum: Int

    init(key: Int, count: Int, sum: Int) {
        self.key = key
        self.count = count
        self.sum = sum
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt(key)
        writer.writeInt(count)
        writer.writeInt(sum)
    }

    init(from reader: inout BinaryReader) throws {
        key = try reader.readInt()
        count = try reader.readInt()
        sum = try reader.readInt()
    }
}

/// Records for a large keyed state: `keys` distinct keys first (record i has key i), then
/// `updates` records over the first 1,000 keys, slowed to about 100k records/s while `paced()`
/// so checkpoints are taken while only a few keys change.
@inline(__always) func largeStateRecord(_ i: Int64, keys: Int, paced: () -> Bool) -> CompactCount {
    if i < Int64(keys) { return CompactCount(key: Int(i), count: 1, sum: Int(i & 1023)) }
    if i % 100 == 0 && paced() { usleep(1000) }
    return CompactCount(key: Int(i % 1000), count: 1, sum: 1)
}

/// Running count and sum per key over `largeStateRecord`s.
func buildLargeStateJob(
    _ env: StreamExecutionEnvironment, keys: Int, updates: Int,
    paced: @escaping @Sendable () -> Bool = { true }
) -> DataStream<CompactCount> {
    env.generate(count: Int64(keys + updates)) { i, _ in largeStateRecord(i, keys: keys, paced: paced) }
        .keyBy { $0.key }
        .reduce { a, b in CompactCount(key: a.key, count: a.count + b.count, sum: a.sum + b.sum) }
}

let largeStateConfigurations: [(name: String, backend: String, incremental: Bool)] = [
    ("heap (full)", "heap", false), ("rocksdb full", "rocksdb", false), ("rocksdb incremental", "rocksdb", true),
]

func benchCheckpointSize() throws {
    let keys = 1_000_000 / scale, updates = scale > 1 ? 150_000 : 200_000
    print(
        "8. checkpoint size: \(keys / 1000)k keys of keyed state (count+sum), then \(updates / 1000)k updates of 1k keys over about \(String(format: "%.1f", Double(updates) / 100_000)) s, checkpoint every 700 ms"
    )
    for configuration in largeStateConfigurations {
        let stats = try withCheckpointDirectory { dir in
            let env = try checkpointedEnvironment(
                backend: configuration.backend, incremental: configuration.incremental, interval: "700 ms", directory: dir)
            buildLargeStateJob(env, keys: keys, updates: updates).discard()
            return try env.execute("checkpoint-size").checkpointStats
        }
        print("  \(configuration.name) (state.backend.type=\(configuration.backend), state.backend.incremental=\(configuration.incremental)):")
        for s in stats {
            print(
                "    checkpoint \(s.checkpointID): \(s.durationMillis) ms, \(megabytes(Double(s.uploadedBytes))) uploaded of \(megabytes(Double(s.stateBytes)))"
            )
        }
    }
    fflush(nil)
}

/// Shared by the runs of the restore benchmark: when the whole state was loaded, when the job
/// failed and when it ran again.
final class RestoreProbe: Sendable {
    struct Times { var loadedAt: Date?; var failedAt: UInt64?; var runningAt: UInt64?; var paced = true }
    let times = Mutex(Times())
    /// The job's checkpoints are under here.
    let checkpointDirectory: String
    init(checkpointDirectory: String) { self.checkpointDirectory = checkpointDirectory }
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Checkpoints whose `_metadata` was written after `date`.
    func checkpointsCompleted(after date: Date) -> Int {
        let fm = FileManager.default
        var count = 0
        for job in (try? fm.contentsOfDirectory(atPath: checkpointDirectory)) ?? [] {
            let jobDirectory = checkpointDirectory + "/" + job
            for chk in (try? fm.contentsOfDirectory(atPath: jobDirectory)) ?? [] where chk.hasPrefix("chk-") {
                if let written = (try? fm.attributesOfItem(atPath: "\(jobDirectory)/\(chk)/_metadata"))?[.modificationDate] as? Date,
                    written > date
                {
                    count += 1
                }
            }
        }
        return count
    }
}

/// Passes records through. In the first run it notes when every key has been seen and fails
/// once two checkpoints completed after that (the second one started after the last new key,
/// so it holds the whole state) and stops the pacing; in the second run it notes when the
/// first record arrives.
struct FailAfterLoad: ProcessFunction {
    let probe: RestoreProbe
    let keys: Int
    var attempt = 0
    var seen = 0

    mutating func open(_ context: RuntimeContext) throws { attempt = context.operatorContext.attempt }

    mutating func processElement(_ value: CompactCount, _ ctx: ProcessContext, _ out: Collector<CompactCount>) throws {
        seen += 1
        if attempt > 0 {
            if seen == 1 { probe.times.withLock { $0.runningAt = RestoreProbe.now() } }
        } else if seen == keys {
            probe.times.withLock { $0.loadedAt = Date() }
        } else if seen > keys, seen % 1000 == 0, let loaded = probe.times.withLock({ $0.loadedAt }),
            probe.checkpointsCompleted(after: loaded) >= 2
        {
            probe.times.withLock {
                $0.failedAt = RestoreProbe.now(); $0.paced = false
            }
            throw BenchFailure()
        }
        try out.collect(value)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var description: String { "failure injected by the restore benchmark" }
}

func benchRestore() throws {
    let keys = 1_000_000 / scale, updates = 1_000_000
    print(
        "9. restore: \(keys / 1000)k keys of keyed state, checkpoint every 500 ms; the job fails once a checkpoint of the whole state completed and restarts (no delay) from it"
    )
    for configuration in largeStateConfigurations {
        try withCheckpointDirectory { dir in
            let probe = RestoreProbe(checkpointDirectory: dir)
            let restoredFrom = Mutex<String>("")
            let env = try checkpointedEnvironment(
                backend: configuration.backend, incremental: configuration.incremental, interval: "500 ms", directory: dir)
            try env.set("restart-strategy.type", "fixed-delay")
            try env.set("restart-strategy.fixed-delay.delay", "0 ms")
            // Paced until the failure; after the restart the rest of the input goes at full speed.
            buildLargeStateJob(env, keys: keys, updates: updates, paced: { probe.times.withLock { $0.paced } })
                .process { FailAfterLoad(probe: probe, keys: keys) }
                .discard()
            let options = ExecutionOptions(log: { line in
                if line.contains("restarts") { restoredFrom.withLock { $0 = line } }
            })
            let result = try env.execute("restore", options: options)
            let times = probe.times.withLock { $0 }
            guard result.restarts.count == 1, let failed = times.failedAt, let running = times.runningAt else {
                print("  \(configuration.name): error: expected one restart, got \(result.restarts)")
                return
            }
            // The restored checkpoint's size, from its statistics.
            let id = restoredFrom.withLock { $0 }.split(separator: " ").last.flatMap { Int64($0) }
            let size = result.checkpointStats.first { $0.checkpointID == id }.map { megabytes(Double($0.stateBytes)) } ?? "?"
            // Reading, checking and redistributing such a state alone (StateRestorer.load), timed
            // apart on the newest retained checkpoint (the restored one is subsumed by then).
            let storage = FileSystemCheckpointStorage(baseDirectory: dir, jobID: result.jobID)
            var load = "no retained checkpoint"
            if let latest = storage.latestValidCheckpoint(warn: { print("  \($0)") }) {
                let graph = try env.streamGraph(jobName: "restore").normalized()
                let jobGraph = try JobGraphGenerator.createJobGraph(graph.topology)
                let t0 = RestoreProbe.now()
                let state = try StateRestorer.load(latest.metadata, origin: "benchmark", strict: false, graph: graph, jobGraph: jobGraph) {
                    try storage.readFile($0)
                }
                let millis = Double(RestoreProbe.now() - t0) / 1e6
                blackHole(state.count)
                let bytes = result.checkpointStats.first { $0.checkpointID == latest.id }.map { megabytes(Double($0.stateBytes)) } ?? "?"
                load = "reading, checking and redistributing checkpoint \(latest.id) (\(bytes)) alone: \(String(format: "%.0f", millis)) ms"
            }
            print(
                "  \(configuration.name): from the failure to the first record after restoring checkpoint \(id.map(String.init) ?? "?") (\(size)): \(String(format: "%.0f", Double(running - failed) / 1e6)) ms; \(load)"
            )
        }
    }
    fflush(nil)
}

print("Rivulet benchmark (parallelism 1, heap state\(scale > 1 ? ", --quick: sizes / \(scale)" : ""))")
let cases: [(String, () throws -> Void)] = [
    ("startup", benchStartup), ("stateless", benchStateless), ("keyed", benchKeyed), ("window", benchWindow),
    ("wordcount", benchWordCount), ("serialization", benchSerialization),
    ("keyed-checkpointed", benchKeyedCheckpointed), ("window-checkpointed", benchWindowCheckpointed),
    ("checkpoint-size", benchCheckpointSize), ("restore", benchRestore), ("cluster", benchCluster),
    ("scaling", benchScaling), ("nexmark", benchNexmark),
]
if let backendFilter, !["heap", "rocksdb", "rocksdb-incremental"].contains(backendFilter) {
    print("unknown --backend '\(backendFilter)'; the checkpointed cases run heap, rocksdb or rocksdb-incremental")
    exit(2)
}
if let only, !cases.contains(where: { $0.0 == only }) {
    print("unknown case '\(only)'; the cases are: \(cases.map(\.0).joined(separator: ", "))")
    exit(2)
}
// nexmark runs only when named: it takes minutes (27 runs of 10M events, and the CSV files once).
for (name, run) in cases where only == name || (only == nil && name != "nexmark") {
    do {
        try run()
    } catch {
        print("\(name): error: \(error)")
        exit(1)
    }
}
