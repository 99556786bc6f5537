// Generated from docs/writing-jobs.md by DocExamplesTests: do not edit; edit the page and regenerate.

import Foundation
import Rivulet
import RivuletCLI
import RivuletCore

// MARK: docs/writing-jobs.md example 1


/// Emits a running count per word: `word<TAB>count` for every occurrence.
struct DocsCountPerWord: KeyedProcessFunction {
    typealias Key = String
    typealias Input = String
    typealias Output = String

    var count: ValueState<Int>?

    mutating func open(_ context: KeyedRuntimeContext<String>) throws {
        // Counts expire an hour after their last update.
        count = try context.valueState(ValueStateDescriptor<Int>("count", ttl: StateTtlConfig(ttl: .seconds(3600))))
    }

    mutating func processElement(_ word: String, _ context: KeyedContext<String>, _ out: Collector<String>) throws {
        let n = (try count?.value() ?? 0) + 1
        try count?.update(n)
        try out.collect("\(word)\t\(n)")
    }
}

/// The jobs of this binary.
enum DocsCountsJobs {
    static let catalog = JobCatalog([
        JobDefinition(name: "counts", summary: "Running count per word of a text file.",
                      parameters: [JobParameter("input", help: "Text file to read.")]) { env, args in
            guard let input = args.string("input") else {
                throw JobArgumentError("job 'counts' needs --input FILE")
            }
            try env.readTextFile(input)
                .flatMap { $0.split(separator: " ").map(String.init) }
                .keyBy { $0 }
                .process { DocsCountPerWord() }
                .print()
        },
    ])
}

struct DocsCountsMain {
    static func main() async {
        await RivuletCommand.main(jobs: DocsCountsJobs.catalog)
    }
}

// MARK: docs/writing-jobs.md example 2


/// A click on a page, at an event time in milliseconds.
struct DocsClick: Sendable, Hashable, Codable, BinaryCodable {
    var page: String
    var timestamp: Int64
}

/// Counts the clicks of a window.
struct DocsCountClicks: AggregateFunction {
    func createAccumulator() -> Int { 0 }
    func add(_ value: DocsClick, to accumulator: inout Int) throws { accumulator += 1 }
    func result(_ accumulator: Int) throws -> Int { accumulator }
    func merge(_ a: Int, _ b: Int) throws -> Int { a + b }
}

/// Formats a window's count as `start<TAB>page<TAB>count`.
struct DocsFormatPageCount: ProcessWindowFunction {
    func process(key: String, context: WindowContext<TimeWindow>, elements: [Int], out: Collector<String>) throws {
        for count in elements {
            try out.collect("\(context.window.start)\t\(key)\t\(count)")
        }
    }
}

enum DocsClickJobs {
    static let clicksPerMinute = JobDefinition(
        name: "clicks-per-minute",
        summary: "Clicks per page and one-minute event-time window.",
        parameters: [JobParameter("records", help: "Clicks to generate.", default: "10000")]
    ) { env, args in
        let records = try args.int("records", default: 10_000, in: 1...100_000_000)
        let pages = ["home", "search", "cart", "checkout"]
        env.generate(count: Int64(records), seed: 3) { i, rng in
            DocsClick(page: pages[Int(rng.next() % UInt64(pages.count))], timestamp: i * 100)
        }
        .uid("click-source")
        .assignTimestampsAndWatermarks(
            WatermarkStrategy<DocsClick>.forBoundedOutOfOrderness(.seconds(2))
                .withTimestampAssigner { click, _ in click.timestamp })
        .keyBy { $0.page }
        .window(try TumblingEventTimeWindows.of(size: .seconds(60)))
        .aggregate(DocsCountClicks(), DocsFormatPageCount())
        .uid("clicks-per-minute")
        .print()
    }
}

// MARK: docs/writing-jobs.md example 3


/// Passes non-negative numbers on; sends negative ones to a side output.
struct DocsSplitNegatives: ProcessFunction {
    static let negatives = OutputTag<Int>("negatives")

    func processElement(_ value: Int, _ context: ProcessContext, _ out: Collector<Int>) throws {
        if value < 0 {
            try context.output(Self.negatives, value)
        } else {
            try out.collect(value)
        }
    }
}

enum DocsSideOutputJob {
    static func build(_ env: StreamExecutionEnvironment) {
        let kept = env.fromCollection([3, -1, 4, -1, 5]).process { DocsSplitNegatives() }
        kept.print(prefix: "kept")
        kept.getSideOutput(DocsSplitNegatives.negatives).print(prefix: "negative")
    }
}

// MARK: docs/writing-jobs.md example 4


/// Remembers the last page each session visited; sessions idle for 30 minutes are forgotten.
struct DocsLastPage: KeyedProcessFunction {
    typealias Key = String
    typealias Input = String
    typealias Output = String

    var lastPage: ValueState<String>?

    mutating func open(_ context: KeyedRuntimeContext<String>) throws {
        let ttl = StateTtlConfig(ttl: .seconds(30 * 60), updateType: .onReadAndWrite)
            .cleanupIncrementally(10)  // check 10 entries per access instead of 5
            .cleanupFullSnapshot()  // and keep expired sessions out of savepoints
        lastPage = try context.valueState(ValueStateDescriptor<String>("last-page", ttl: ttl))
    }

    mutating func processElement(_ page: String, _ context: KeyedContext<String>, _ out: Collector<String>) throws {
        if let previous = try lastPage?.value() { try out.collect("\(previous) -> \(page)") }
        try lastPage?.update(page)
    }
}

// MARK: docs/writing-jobs.md example 5


/// A page id and a count, encoded by hand as two 8-byte integers.
struct DocsPageCount: Sendable, Hashable, BinaryCodable {
    var pageID: Int64
    var count: Int64

    init(pageID: Int64, count: Int64) {
        self.pageID = pageID
        self.count = count
    }

    func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(pageID)
        writer.writeInt64(count)
    }

    init(from reader: inout BinaryReader) throws {
        pageID = try reader.readInt64()
        count = try reader.readInt64()
    }
}

// MARK: docs/writing-jobs.md example 6


/// Writes each record as a line on standard error, prefixed with its subtask.
struct DocsStandardErrorSink<T: Sendable>: Sink {
    func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        Writer(subtask: subtaskIndex)
    }

    struct Writer: SinkWriter {
        let subtask: Int
        var lines = ""

        mutating func write(_ value: T, timestamp: Int64) throws {
            lines += "[\(subtask)] \(value)\n"
        }

        mutating func flush() throws {
            FileHandle.standardError.write(Data(lines.utf8))
            lines = ""
        }
    }
}

enum DocsStandardErrorJob {
    static func build(_ env: StreamExecutionEnvironment) {
        env.fromSequence(1, 100)
            .map { "number \($0)" }
            .sinkTo(DocsStandardErrorSink<String>(), name: "Standard Error")
    }
}

// MARK: docs/writing-jobs.md example 7


enum DocsRunInProcess {
    /// The squares of the even numbers from 1 to 10, computed by a job at parallelism 2.
    static func squaresOfEvens() throws -> [Int] {
        let env = StreamExecutionEnvironment()
        env.setParallelism(2)
        let results = CollectedValues<Int>()
        env.fromSequence(1, 10)
            .filter { $0 % 2 == 0 }
            .map { $0 * $0 }
            .collect(into: results)
        try env.execute("squares")
        return results.values.sorted()
    }
}
