// `rivulet-bench`: engine throughput next to hand-written single-threaded loops (the physical limit).

import Foundation
import Rivulet
import RivuletCore
import RivuletExamples

let arguments = CommandLine.arguments.dropFirst()
let scale = arguments.contains("--quick") ? 10 : 1
let only = arguments.first { !$0.hasPrefix("--") }

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
    print("  engine: \(millions(engine.perSecond)) records/s, \(millions(engine.perCPUSecond)) records/CPU-s (\(String(format: "%.2f", engine.seconds)) s)")
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

struct KeyedCount: Sendable, Hashable, Codable, BinaryCodable {
    var key: Int
    var count: Int
    var sum: Int
}

@inline(__always) func keyedRecord(_ i: Int64, keys: Int) -> KeyedCount {
    KeyedCount(key: Int((UInt64(bitPattern: i) &* 0x9E37_79B9_7F4A_7C15) >> 20) % keys, count: 1, sum: Int(i & 1023))
}

func benchKeyed() throws {
    let n = 20_000_000 / scale, keys = 100_000
    let engine = try measure(records: n) {
        let env = try environment()
        let counter = DiscardCounter()
        env.generate(count: Int64(n)) { i, _ in keyedRecord(i, keys: keys) }
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
            let r = keyedRecord(i, keys: keys)
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
    report("2. keyed aggregation: \(n / 1_000_000)M records, \(keys / 1000)k keys, running count+sum", engine: engine, loop: loop, flink: "0.93M records/s")
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
            .assignTimestampsAndWatermarks(WatermarkStrategy<WindowedValue>.forMonotonousTimestamps()
                .withTimestampAssigner { r, _ in r.timestamp })
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
    report("3. event-time tumbling window: \(n / 1_000_000)M records, \(keys / 1000)k keys, 1 s windows, count+sum (\(loopWindows) windows)",
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
            Tokenizer.forEachWord(in: String(line)) { counts[$0, default: 0] += 1; words += 1 }
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
    report("4. word count: \(megabytes) MB file, 10k-word vocabulary (\(words / 1_000_000)M words; rates in words/s)",
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
            if let text = try? String(contentsOfFile: status, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.split(separator: " ").dropFirst().first ?? "") {
                peakKB = max(peakKB, kb)
            }
            usleep(500)
        }
        process.waitUntilExit()
        runs.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    runs.sort()
    print("5. 100-record job (rivulet local wordcount): median \(String(format: "%.3f", runs[runs.count / 2])) s from start to exit, peak RSS \(peakKB / 1024) MB (sampled VmHWM)   Flink 2.3 reference: about 6 s and 400 MB")
}

print("Rivulet benchmark (parallelism 1, heap state\(scale > 1 ? ", --quick: sizes / \(scale)" : ""))")
let cases: [(String, () throws -> Void)] = [
    ("startup", benchStartup), ("stateless", benchStateless), ("keyed", benchKeyed), ("window", benchWindow),
    ("wordcount", benchWordCount),
]
for (name, run) in cases where only == nil || only == name {
    do {
        try run()
    } catch {
        print("\(name): error: \(error)")
        exit(1)
    }
}
