// The windowed word-count job: generated or socket text -> counts per 10-second event-time window.

import Rivulet
import RivuletCore

/// A line of text with its event time.
public struct TimedLine: Sendable {
    public var text: String
    public var timestamp: Int64
}

/// A word occurrence with its event time.
public struct TimedWord: Sendable, Hashable, Codable, BinaryCodable {
    public var word: String
    public var timestamp: Int64
}

/// Formats a window's count as `start<TAB>end<TAB>word<TAB>count`.
public struct FormatWindowCount: ProcessWindowFunction {
    public init() {}
    public func process(key: String, context: WindowContext<TimeWindow>, elements: [Int], out: Collector<String>) throws {
        for count in elements {
            try out.collect("\(context.window.start)\t\(context.window.end)\t\(key)\t\(count)")
        }
    }
}

extension ExampleJobs {
    /// The words the generator draws from.
    static let vocabulary = SampleText.lines.flatMap(Tokenizer.words).reduce(into: [String]()) { words, w in
        if !words.contains(w) { words.append(w) }
    }

    /// `window-wordcount`: counts words per 10-second event-time window.
    public static let windowWordCount = JobDefinition(
        name: "window-wordcount",
        summary: "Counts words per 10-second event-time window; prints start, end, word, count.",
        parameters: [
            JobParameter("socket", help: "Read lines from this host:port (event time = arrival time) instead of generating them."),
            JobParameter("records", help: "Lines to generate; 0 for an unbounded stream.", default: "100000"),
            JobParameter("rate", help: "Generated lines per second (default: as fast as possible)."),
            JobParameter("out-of-orderness", help: "Largest delay of a generated event, in ms.", default: "2000"),
            JobParameter("output", help: "Directory to write part files to instead of printing.", path: true),
        ]
    ) { env, args in
        let delay = try args.int("out-of-orderness", default: 2000, in: 0...3_600_000)
        let lines: DataStream<TimedLine>
        if let address = args.string("socket") {
            let parts = address.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw JobArgumentError("option --socket of job 'window-wordcount' must be host:port, got '\(address)'")
            }
            lines = env.socketTextStream(host: String(parts[0]), port: port)
                .map { TimedLine(text: $0, timestamp: SystemClock.nowMillis()) }
                .name("Ingestion Time")
        } else {
            let records = try args.int("records", default: 100_000, in: 0...Int.max)
            let rate = try args.double("rate", default: nil)
            let vocabulary = Self.vocabulary
            let maxDelay = Int64(delay)
            lines = env.generate(count: records == 0 ? nil : Int64(records), recordsPerSecond: rate, seed: 7) { i, rng in
                let words = (0..<5).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }
                // Ten lines per event-time second, each delayed by up to `maxDelay` ms.
                let jitter = maxDelay > 0 ? Int64(rng.next() % UInt64(maxDelay + 1)) : 0
                return TimedLine(text: words.joined(separator: " "), timestamp: i * 100 - jitter)
            }
        }
        let counts =
            lines
            .assignTimestampsAndWatermarks(
                WatermarkStrategy<TimedLine>.forBoundedOutOfOrderness(.milliseconds(delay))
                    .withTimestampAssigner { line, _ in line.timestamp }
                    .withIdleness(.seconds(5))
            )
            .flatMap { (line: TimedLine, out: Collector<String>) in try Tokenizer.forEachWord(in: line.text) { try out.collect($0) } }
            .name("Tokenizer")
            .keyBy { $0 }
            .window(try TumblingEventTimeWindows.of(size: .seconds(10)))
            .aggregate(CountAggregate<String>(), FormatWindowCount())
        if let output = args.string("output") {
            counts.writeAsText(output)
        } else {
            counts.print()
        }
    }
}
