// The verification job of the cluster and chaos tests: (key, sequence) events, keyed state
// that checks each key's sequence has no gap and no repeat, and an exactly-once file sink.

import Foundation
import Rivulet
import RivuletCore

/// One event: the `seq`-th event of `key` (sequences start at 0).
public struct SequenceEvent: Sendable, Hashable, Codable, BinaryCodable {
    public var key: Int
    public var seq: Int

    public init(key: Int, seq: Int) {
        self.key = key
        self.seq = seq
    }
}

/// Fails the job when a key's sequence skips or repeats a number (lost or duplicated state or
/// records); passes every event on.
public struct CheckSequence: KeyedProcessFunction {
    public typealias Key = Int
    public typealias Input = SequenceEvent
    public typealias Output = String

    var last: ValueState<Int>?

    public init() {}

    public mutating func open(_ context: KeyedRuntimeContext<Int>) throws {
        last = try context.valueState(ValueStateDescriptor<Int>("last-seq"))
    }

    public mutating func processElement(_ event: SequenceEvent, _ context: KeyedContext<Int>, _ out: Collector<String>) throws {
        guard let last else { return }
        let expected = (try last.value() ?? -1) + 1
        guard event.seq == expected else {
            throw UnrecoverableJobError("key \(event.key): expected sequence \(expected), got \(event.seq)")
        }
        try last.update(event.seq)
        try out.collect("\(event.key)\t\(event.seq)")
    }
}

/// A failure no restart can fix.
public struct UnrecoverableJobError: Error, CustomStringConvertible, UnrecoverableError {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension ExampleJobs {
    /// `sequence-check`: generated (key, seq) events -> per-key sequence check -> `key<TAB>seq` lines.
    public static let sequenceCheck = JobDefinition(
        name: "sequence-check",
        summary: "Checks per-key sequence numbers survive failures exactly once; writes key<TAB>seq lines.",
        parameters: [
            JobParameter("keys", help: "Number of keys.", default: "100"),
            JobParameter("per-key", help: "Events per key.", default: "1000"),
            JobParameter("rate", help: "Events per second over all source subtasks (default: as fast as possible)."),
            JobParameter("sink-delay-us", help: "Microseconds the sink waits per record (to make it slow).", default: "0"),
            JobParameter("output", help: "Directory to write part files to instead of printing.", path: true),
        ]
    ) { env, args in
        let keys = try args.int("keys", default: 100, in: 1...10_000_000)
        let perKey = try args.int("per-key", default: 1000, in: 0...Int.max / keys)
        let rate = try args.double("rate", default: nil)
        let delay = try args.int("sink-delay-us", default: 0, in: 0...10_000_000)
        // The generator deals event i to source subtask i mod p; key i mod keys then always
        // comes from one subtask, in order, only when p divides keys. Otherwise a healthy job
        // would fail with "expected sequence ...".
        let parallelism = env.parallelism
        guard keys % parallelism == 0 else {
            let lower = keys / parallelism * parallelism, higher = lower + parallelism
            throw JobArgumentError(
                "sequence-check needs --keys (\(keys)) to be a multiple of the parallelism (\(parallelism)), so that every key's events come from one source subtask in order; use --keys \(lower > 0 ? "\(lower) or " : "")\(higher)"
            )
        }
        let k = Int64(keys)
        var lines = env.generate(count: Int64(keys * perKey), recordsPerSecond: rate, seed: 1) { i, _ in
            SequenceEvent(key: Int(i % k), seq: Int(i / k))
        }
        .name("Sequence Source")
        .uid("sequence-source")
        .keyBy { $0.key }
        .process { CheckSequence() }
        .name("Check Sequence")
        .uid("check-sequence")
        if delay > 0 {
            lines = lines.map { line in
                usleep(UInt32(delay))
                return line
            }
            .name("Slow Stage")
            .disableChaining()
        }
        if let output = args.string("output") {
            lines.writeAsText(output).uid("sequence-sink")
        } else {
            lines.print()
        }
    }
}
