// `bin/bench scaling`: cost as the work grows, in keyed state (1k to 10M keys) and in cores.
//
// Each point runs in a child process of this binary (`--scaling-point`), so that its peak
// resident memory is its own and one run's heap does not carry into the next.

import Foundation
import Rivulet
import RivuletCore
import RivuletExamples

/// One measured point: a job's records, wall and CPU seconds and peak resident memory.
struct ScalingPoint {
    var records: Int
    var seconds: Double
    var cpu: Double
    var maxRSSBytes: Int
    /// keyed: bytes per key of the reduce's slot table with this many keys.
    var tableBytesPerKey: Double
    var recordsPerSecond: Double { Double(records) / seconds }
    var cpuNanosPerRecord: Double { cpu / Double(records) * 1e9 }
}

/// The jobs of the scaling curves.
enum ScalingJob: String {
    /// keyed-sum: keyBy, then a running count and sum per key (keyed reduce).
    case keyed
    /// An event-time tumbling window per key summing count and value; the window is long
    /// enough to hold every key about four times, so its state grows with the keys.
    case window
}

/// The window size at which a window of `windowedRecord`s (100 records a millisecond of
/// event time) sees each of `keys` keys about four times: at least 1 s.
func scalingWindowMillis(keys: Int) -> Int64 { max(1000, Int64(keys) * 4 / 100) }

/// This process's peak resident memory (`VmHWM`). Not `getrusage`'s `ru_maxrss`, which a
/// process keeps across `execve` and so starts from its parent's size; that is the fallback
/// where `/proc/self/status` has no `VmHWM` line (some sandboxed kernels).
func peakResidentBytes() -> Int {
    if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    {
        return kilobytes * 1024
    }
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

/// Runs one point in this process and prints it as `POINT records seconds cpu peak-rss
/// table-bytes-per-key` (the last 0 for the window job). The table is measured after the job.
func runScalingPoint(_ job: ScalingJob, keys: Int, parallelism: Int, records: Int, settings: [String: String] = [:]) throws {
    let configuration = settings.merging(["parallelism.default": "\(parallelism)"]) { $1 }
    let env = StreamExecutionEnvironment(configuration: try Configuration(configuration))
    let counter = DiscardCounter()
    switch job {
    case .keyed:
        env.generate(count: Int64(records)) { i, _ in KeyedCount.event(i, keys: keys) }
            .keyBy { $0.key }
            .reduce { a, b in KeyedCount(key: a.key, count: a.count + b.count, sum: a.sum + b.sum) }
            .discard(counter: counter)
    case .window:
        env.generate(count: Int64(records)) { i, _ in windowedRecord(i, keys: keys) }
            .assignTimestampsAndWatermarks(
                WatermarkStrategy<WindowedValue>.forMonotonousTimestamps().withTimestampAssigner { r, _ in r.timestamp }
            )
            .keyBy { $0.key }
            .window(try TumblingEventTimeWindows.of(size: .milliseconds(scalingWindowMillis(keys: keys))))
            .aggregate(CountSumAggregate())
            .discard(counter: counter)
    }
    let m = try measure(records: records) { _ = try env.execute("scaling-\(job.rawValue)") }
    if job == .keyed && counter.count != records {
        throw BenchError("keyed: \(counter.count) results for \(records) records")
    }
    let peak = peakResidentBytes()
    let tableBytesPerKey = job == .keyed ? keyedSumTableBytesPerKey(keys: keys) : 0
    print("POINT \(records) \(m.seconds) \(m.cpu) \(peak) \(tableBytesPerKey)")
    fflush(nil)
}

/// Runs one point in a child process and reads its line.
func measureScalingPoint(_ job: ScalingJob, keys: Int, parallelism: Int, records: Int) throws -> ScalingPoint {
    let values = try runPoint(["--scaling-point", job.rawValue, "\(keys)", "\(parallelism)", "\(records)"], marker: "POINT", fields: 5)
    guard let r = Int(values[0]), let s = Double(values[1]), let c = Double(values[2]), let m = Int(values[3]), let t = Double(values[4])
    else { throw BenchError("scaling point printed '\(values.joined(separator: " "))'") }
    return ScalingPoint(records: r, seconds: s, cpu: c, maxRSSBytes: m, tableBytesPerKey: t)
}

/// Runs this benchmark binary with `arguments` in a child process (so that its peak memory is
/// its own) and returns the fields of the last line that starts with `marker`.
func runPoint(_ arguments: [String], marker: String, fields: Int) throws -> [String] {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = arguments
    let pipe = Pipe()
    child.standardOutput = pipe
    try child.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    guard child.terminationStatus == 0,
        let line = output.split(separator: "\n").last(where: { $0.hasPrefix(marker + " ") })
    else {
        throw BenchError("\(arguments.joined(separator: " ")) failed (exit \(child.terminationStatus)): \(output)")
    }
    let values = line.split(separator: " ").dropFirst().map(String.init)
    guard values.count == fields else { throw BenchError("\(arguments.joined(separator: " ")) printed '\(line)'") }
    return values
}

/// Bytes a slot table of `keys` keys takes per key: the table keyed-sum's reduce keeps its
/// sums in (`StateHashMap<Int, VoidNamespace, KeyedCount>`), filled with the same keys.
func keyedSumTableBytesPerKey(keys: Int) -> Double {
    let table = StateHashMap<Int, VoidNamespace, KeyedCount>()
    for k in 0..<keys { table.set(k, VoidNamespace(), KeyedCount(key: k, count: 1, sum: k)) }
    return Double(table.memoryBytes) / Double(keys)
}

func formatKeys(_ keys: Int) -> String {
    keys >= 1_000_000 ? "\(keys / 1_000_000)M" : keys >= 1000 ? "\(keys / 1000)k" : "\(keys)"
}

func benchScaling() throws {
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("scaling: \(cores) cores; each point a child process (records/s, CPU per record, peak RSS)")
    // 1. State size at parallelism 1.
    let sizes = [1000, 100_000, 1_000_000, 10_000_000]
    for job in [ScalingJob.keyed, .window] {
        let records = (job == .keyed ? 20_000_000 : 10_000_000) / scale
        print("  \(job.rawValue), parallelism 1, \(records / 1_000_000)M records:")
        var baseline: Int?
        for keys in sizes {
            let p = try measureScalingPoint(job, keys: keys, parallelism: 1, records: records)
            var line =
                "    \(formatKeys(keys).padding(toLength: 4, withPad: " ", startingAt: 0)) keys: \(millions(p.recordsPerSecond)) records/s, \(String(format: "%.0f", p.cpuNanosPerRecord)) ns CPU/record, peak RSS \(p.maxRSSBytes / 1_000_000) MB"
            if let base = baseline, keys >= 1_000_000 {
                line += String(format: " (%.0f bytes/key over the 1k-key run)", Double(p.maxRSSBytes - base) / Double(keys - 1000))
            }
            if job == .keyed {
                line += String(format: ", table %.0f bytes/key", p.tableBytesPerKey)
            }
            if job == .window { line += ", \(scalingWindowMillis(keys: keys)) ms windows" }
            print(line)
            fflush(nil)
            if baseline == nil { baseline = p.maxRSSBytes }
        }
    }
    // 2. Cores: the same work per subtask at parallelism 1, 2, 4, ... up to the cores.
    var levels = [1]
    while levels.last! * 2 <= cores { levels.append(levels.last! * 2) }
    if levels.last! != cores { levels.append(cores) }
    let curves: [(ScalingJob, Int, Int)] = [(.keyed, 1000, 20_000_000), (.keyed, 100_000, 20_000_000), (.window, 10_000, 5_000_000)]
    for (job, keysPerSubtask, recordsPerSubtask) in curves {
        print("  \(job.rawValue), \(formatKeys(keysPerSubtask)) keys and \(millions(Double(recordsPerSubtask / scale))) records per subtask:")
        var first: ScalingPoint?
        for parallelism in levels {
            let p = try measureScalingPoint(
                job, keys: keysPerSubtask * parallelism, parallelism: parallelism, records: recordsPerSubtask / scale * parallelism)
            let speedup = first.map { p.recordsPerSecond / $0.recordsPerSecond } ?? 1
            print(
                "    p=\(String(parallelism).padding(toLength: 2, withPad: " ", startingAt: 0)): \(millions(p.recordsPerSecond)) records/s (\(String(format: "%.2f", speedup))x p=1), \(String(format: "%.0f", p.cpuNanosPerRecord)) ns CPU/record"
            )
            fflush(nil)
            if first == nil { first = p }
        }
    }
}
