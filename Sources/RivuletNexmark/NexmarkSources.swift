// Where a Nexmark job's events come from: the generator, or the CSV files of the data generator.

import Rivulet
import RivuletCore

/// The events a Nexmark job reads, with their event-time timestamps and watermarks.
public struct NexmarkSources: Sendable {
    public enum Data: Sendable {
        /// The first `events` events of `generator`, at most `eventsPerSecond` per second of
        /// wall time over all kinds (nil: as fast as possible).
        case generator(NexmarkGenerator, events: Int64, eventsPerSecond: Double?)
        /// `persons.csv`, `auctions.csv` and `bids.csv` in a directory.
        case files(directory: String)
    }

    public let data: Data

    public init(_ data: Data) {
        self.data = data
    }

    /// The stream of one kind of event (only the kinds a query reads are made or read). Without
    /// `text`, the events' text fields are left empty: a query that reads none of them does not
    /// pay for making strings (Flink pushes such a projection into its sources too).
    public func stream<E: NexmarkEvent>(_: E.Type, in env: StreamExecutionEnvironment, text: Bool = true) throws -> DataStream<E> {
        let raw: DataStream<E>
        switch data {
        case .generator(let generator, let events, let rate):
            let share = Double(E.kind.perEpoch) / Double(NexmarkGenerator.eventsPerEpoch)
            raw = env.generate(count: E.kind.count(inFirst: events), recordsPerSecond: rate.map { $0 * share }) { ordinal, _ in
                generator.event(E.self, ordinal: ordinal, text: text)
            }
            .name("Nexmark \(E.kind.rawValue) generator")
        case .files(let directory):
            raw = try env.readFile(directory + "/" + E.fileName, name: "Nexmark \(E.fileName)") { try E(csv: $0, text: text) }
        }
        // Each source subtask's events come in event-time order (the generator and the files
        // are ordered by time, and a subtask reads one contiguous range or stride).
        return raw.assignTimestampsAndWatermarks(
            WatermarkStrategy<E>.forMonotonousTimestamps().withTimestampAssigner { event, _ in event.dateTime })
    }

    public func bids(_ env: StreamExecutionEnvironment, text: Bool = true) throws -> DataStream<Bid> {
        try stream(Bid.self, in: env, text: text)
    }
    public func auctions(_ env: StreamExecutionEnvironment, text: Bool = true) throws -> DataStream<Auction> {
        try stream(Auction.self, in: env, text: text)
    }
    public func persons(_ env: StreamExecutionEnvironment) throws -> DataStream<Person> { try stream(Person.self, in: env) }
}

/// Where a Nexmark query's results go.
public enum NexmarkOutput: Sendable {
    /// Dropped after counting (for measuring speed).
    case discard(DiscardCounter)
    /// Printed to standard output, one row per line.
    case print
    /// Written as part files under a directory, exactly once.
    case directory(String)
    /// Kept in memory (tests).
    case collect(CollectedValues<String>)
}

extension DataStream where T: NexmarkRow {
    /// Sends the query's rows to `output`.
    func emit(to output: NexmarkOutput) {
        switch output {
        case .discard(let counter): discard(counter: counter)
        case .print: map(\.csvRow).name("Format").print()
        case .directory(let path): map(\.csvRow).name("Format").writeAsText(path)
        case .collect(let values): map(\.csvRow).name("Format").collect(into: values)
        }
    }
}
