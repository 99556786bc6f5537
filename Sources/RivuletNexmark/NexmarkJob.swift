// `rivulet local nexmark --query q5 --events 10000000`: the Nexmark queries as a catalog job.

import Rivulet
import RivuletCore

/// The Nexmark benchmark as jobs of the `rivulet` binary.
public enum NexmarkJobs {
    /// `nexmark`: one query over generated events or the data generator's CSV files.
    public static let nexmark = JobDefinition(
        name: "nexmark",
        summary: "Runs a Nexmark query (q0-q5, q7, q8, q11) over generated events or the CSV files of bin/nexmark-data.",
        parameters: [
            JobParameter("query", help: "The query: \(NexmarkQuery.allCases.map(\.rawValue).joined(separator: ", ")).", default: "q0"),
            JobParameter("events", help: "Events to generate (all kinds; a multiple of 50 keeps the 1:3:46 mix).", default: "10000000"),
            JobParameter("data", help: "Read persons.csv, auctions.csv and bids.csv from this directory instead of generating.", path: true),
            JobParameter("seed", help: "Seed of the generator.", default: "42"),
            JobParameter("event-rate", help: "Generated events per second of event time.", default: "10000"),
            JobParameter("rate", help: "Generated events per second of wall time, over all kinds (default: as fast as possible)."),
            JobParameter("sink", help: "discard (count only) or print.", default: "discard"),
            JobParameter("output", help: "Directory to write the results to as part files (instead of --sink).", path: true),
        ]
    ) { env, args in
        let name = args.string("query") ?? "q0"
        guard let query = NexmarkQuery(rawValue: name) else {
            throw JobArgumentError(
                "option --query of job 'nexmark' must be one of \(NexmarkQuery.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        let sources: NexmarkSources
        if let directory = args.string("data") {
            sources = NexmarkSources(.files(directory: directory))
        } else {
            let generator = try NexmarkGenerator(
                seed: UInt64(try args.int("seed", default: 42, in: 0...Int.max)),
                eventsPerSecond: Int64(try args.int("event-rate", default: 10_000, in: 1...1_000_000_000)))
            sources = NexmarkSources(
                .generator(
                    generator, events: Int64(try args.int("events", default: 10_000_000, in: 0...Int.max)),
                    eventsPerSecond: try args.double("rate", default: nil)))
        }
        let output: NexmarkOutput
        if let directory = args.string("output") {
            output = .directory(directory)
        } else {
            switch args.string("sink") ?? "discard" {
            case "discard": output = .discard(DiscardCounter())
            case "print": output = .print
            case let other: throw JobArgumentError("option --sink of job 'nexmark' must be discard or print, got '\(other)'")
            }
        }
        try query.build(env, from: sources, to: output)
    }
}
