// The word-count job: text file (or the built-in sample) -> final count per word.

import Rivulet
import RivuletCore

/// Counts each word and emits `(word, count)` once, when the input has ended (the final
/// watermark fires the timer registered at the end of time).
public struct CountUntilEnd: KeyedProcessFunction {
    public typealias Key = String
    public typealias Input = String
    public typealias Output = WordCount

    var count: ValueState<Int>?

    public init() {}

    public mutating func open(_ context: KeyedRuntimeContext<String>) throws {
        count = try context.valueState(ValueStateDescriptor<Int>("count"))
    }

    public mutating func processElement(_ word: String, _ context: KeyedContext<String>, _ out: Collector<WordCount>) throws {
        guard let count else { return }
        if let n = try count.value() {
            try count.update(n + 1)
        } else {
            try count.update(1)
            try context.registerEventTimeTimer(StreamTime.maxWatermark)
        }
    }

    public mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<String>, _ out: Collector<WordCount>) throws {
        guard let count, let n = try count.value() else { return }
        try out.collect(WordCount(word: try context.currentKey, count: n))
        try count.clear()
    }
}

/// A word and how often it occurred.
public struct WordCount: Sendable, Hashable, Codable, BinaryCodable, CustomStringConvertible {
    public var word: String
    public var count: Int

    public init(word: String, count: Int) {
        self.word = word
        self.count = count
    }

    /// `word<TAB>count`.
    public var description: String { "\(word)\t\(count)" }
}

extension ExampleJobs {
    /// `wordcount`: file -> words -> final count per word -> stdout or files.
    public static let wordCount = JobDefinition(
        name: "wordcount",
        summary: "Counts the words of a text file (default: a built-in sample); prints word<TAB>count.",
        parameters: [
            JobParameter("input", help: "Text file to count (default: the built-in sample text).", path: true),
            JobParameter("output", help: "Directory to write part files to instead of printing.", path: true),
        ]
    ) { env, args in
        let lines =
            try args.string("input").map { try env.readTextFile($0) }
            ?? env.fromCollection(SampleText.lines).name("Sample Text")
        let counts =
            lines
            .flatMap { (line: String, out: Collector<String>) in try Tokenizer.forEachWord(in: line) { try out.collect($0) } }
            .name("Tokenizer")
            .keyBy { $0 }
            .process { CountUntilEnd() }
            .name("Count")
            .map { $0.description }
            .name("Format")
        if let output = args.string("output") {
            counts.writeAsText(output)
        } else {
            counts.print()
        }
    }
}
