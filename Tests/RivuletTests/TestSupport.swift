// Shared helpers of the engine tests: punctuated watermarks, keyed events, environments.

import Foundation
import Rivulet
import RivuletCore

/// An event with a key, an event timestamp and a value.
struct Event: Sendable, Hashable, Codable, BinaryCodable {
    var key: String
    var timestamp: Int64
    var value: Int = 1
}

/// Emits `timestamp - delay - 1` after every event, so watermarks follow the data
/// deterministically (no processing-time dependence).
struct PunctuatedWatermarks: WatermarkGenerator {
    let delay: Int64
    var maxSeen = Int64.min

    mutating func onEvent(timestamp: Int64, output: inout WatermarkOutput) {
        maxSeen = max(maxSeen, timestamp)
        output.emitWatermark(maxSeen - delay - 1)
    }

    mutating func onPeriodicEmit(output: inout WatermarkOutput) {}
}

func punctuated<T>(delay: Int64, timestamp: @escaping @Sendable (T) -> Int64) -> WatermarkStrategy<T> {
    WatermarkStrategy<T>(makeGenerator: { PunctuatedWatermarks(delay: delay) }, timestampAssigner: { v, _ in timestamp(v) })
}

func environment(parallelism: Int = 1, _ extra: [String: String] = [:]) throws -> StreamExecutionEnvironment {
    var config = extra
    config["parallelism.default"] = String(parallelism)
    return StreamExecutionEnvironment(configuration: try Configuration(config))
}

/// Counts elements of a window.
struct CountEvents: AggregateFunction {
    func createAccumulator() -> Int { 0 }
    func add(_ value: Event, to accumulator: inout Int) throws { accumulator += 1 }
    func result(_ accumulator: Int) throws -> Int { accumulator }
    func merge(_ a: Int, _ b: Int) throws -> Int { a + b }
}

/// `key window-start window-end count` for each firing.
struct LabelWindow: ProcessWindowFunction {
    func process(key: String, context: WindowContext<TimeWindow>, elements: [Int], out: Collector<String>) throws {
        for n in elements { try out.collect("\(key) [\(context.window.start),\(context.window.end)) \(n)") }
    }
}

/// Counts records per key; at the end of input (the final watermark fires the timer) emits
/// `key<TAB>count` once per key and clears the key's state, so the job's last checkpoint is
/// small however large its state was while it ran.
struct CountAndClearAtEnd: KeyedProcessFunction {
    typealias Key = Int
    typealias Input = Int
    typealias Output = String
    var count: ValueState<Int>?

    mutating func open(_ context: KeyedRuntimeContext<Int>) throws {
        count = try context.valueState(ValueStateDescriptor<Int>("count"))
    }

    mutating func processElement(_ value: Int, _ ctx: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let count else { return }
        let n = try count.value() ?? 0
        try count.update(n + 1)
        if n == 0 { try ctx.registerEventTimeTimer(StreamTime.maxWatermark) }
    }

    mutating func onTimer(_ timestamp: Int64, _ ctx: KeyedContext<Int>, _ out: Collector<String>) throws {
        try out.collect("\(try ctx.currentKey)\t\(try count?.value() ?? 0)")
        try count?.clear()
    }
}
