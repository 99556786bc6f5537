// The job shown in README.md ("Writing a job"), compiled and run, so the README stays true.

import XCTest
import Foundation
import Rivulet

/// Copied from README.md.
struct CountPerKey: KeyedProcessFunction {
    typealias Key = String; typealias Input = String; typealias Output = String
    var count: ValueState<Int>?

    mutating func open(_ context: KeyedRuntimeContext<String>) throws {
        count = try context.valueState(ValueStateDescriptor<Int>("count", ttl: StateTtlConfig(ttl: .seconds(3600))))
    }
    mutating func processElement(_ word: String, _ ctx: KeyedContext<String>, _ out: Collector<String>) throws {
        let n = (try count?.value() ?? 0) + 1
        try count?.update(n)
        try out.collect("\(word)\t\(n)")
    }
}

final class ReadmeExampleTests: XCTestCase {
    func testTheReadmeJobRunsFromItsCatalog() throws {
        let input = NSTemporaryDirectory() + "rivulet-readme-" + UUID().uuidString + ".txt"
        try "a b a\nb a".write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let out = CollectedValues<String>()
        // The README's builder, with collect(into:) in place of print() so the test can read it.
        let jobs = JobCatalog([
            JobDefinition(name: "counts", summary: "Running count per word",
                          parameters: [JobParameter("input", help: "text file")]) { env, args in
                try env.readTextFile(args.string("input") ?? "words.txt")
                    .flatMap { $0.split(separator: " ").map(String.init) }
                    .keyBy { $0 }
                    .process { CountPerKey() }
                    .collect(into: out)
            },
        ])
        let job = try jobs.job(named: "counts")
        let env = StreamExecutionEnvironment()
        try job.build(env, try JobArguments(jobName: "counts", arguments: ["--input", input], parameters: job.parameters))
        try env.execute("counts")
        XCTAssertEqual(out.values.sorted(), ["a\t1", "a\t2", "a\t3", "b\t1", "b\t2"])
    }
}
