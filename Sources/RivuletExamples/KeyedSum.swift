// A throughput job: generated (key, value) events -> keyBy -> running count and sum per key.

import Rivulet
import RivuletCore

/// A running count and sum of one key.
public struct KeyedCount: Sendable, Hashable, Codable, BinaryCodable {
    public var key: Int
    public var count: Int
    public var sum: Int

    public init(key: Int, count: Int, sum: Int) {
        self.key = key
        self.count = count
        self.sum = sum
    }

    /// Three little-endian Int64s (24 bytes), written by hand: the encoding `BinaryCodable`
    /// derives from `Codable` stores field names and runs about 20x slower, which would make
    /// serialization, not the engine, the limit between TaskManagers and in checkpoints.
    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(Int64(key))
        writer.writeInt64(Int64(count))
        writer.writeInt64(Int64(sum))
    }

    public init(from reader: inout BinaryReader) throws {
        key = Int(try reader.readInt64())
        count = Int(try reader.readInt64())
        sum = Int(try reader.readInt64())
    }

    /// The `i`-th generated event over `keys` keys (keys scattered by a multiplicative hash).
    @inline(__always)
    public static func event(_ i: Int64, keys: Int) -> KeyedCount {
        KeyedCount(key: Int((UInt64(bitPattern: i) &* 0x9E37_79B9_7F4A_7C15) >> 20) % keys, count: 1, sum: Int(i & 1023))
    }
}

extension ExampleJobs {
    /// `keyed-sum`: the keyed aggregation of `bin/bench`; its running sums are discarded.
    public static let keyedSum = JobDefinition(
        name: "keyed-sum",
        summary: "Keyed aggregation benchmark: generated events, a running count and sum per key, results discarded.",
        parameters: [
            JobParameter("count", help: "Number of events.", default: "10000000"),
            JobParameter("keys", help: "Number of keys.", default: "100000"),
        ]
    ) { env, args in
        let count = try args.int("count", default: 10_000_000, in: 0...Int.max)
        let keys = try args.int("keys", default: 100_000, in: 1...100_000_000)
        env.generate(count: Int64(count)) { i, _ in KeyedCount.event(i, keys: keys) }
            .name("Event Source")
            .uid("event-source")
            .keyBy { $0.key }
            .reduce { a, b in KeyedCount(key: a.key, count: a.count + b.count, sum: a.sum + b.sum) }
            .name("Running Sum")
            .uid("running-sum")
            .discard()
    }
}
