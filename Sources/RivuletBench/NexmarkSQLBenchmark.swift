// `bin/bench nexmark --sql`: the Nexmark queries of the SQL scope as nexmark-flink writes them,
// next to the same queries as DataStream jobs, and next to Apache Flink 2.3's SQL.

import Foundation
import Rivulet
import RivuletNexmark
import RivuletSQL

/// The queries `--sql` runs, with their DataStream counterparts where Rivulet has one.
let sqlNexmarkQueries: [(name: String, dataStream: NexmarkQuery?)] = [
    ("q0", .q0), ("q1", .q1), ("q2", .q2), ("q11", .q11), ("q12", nil), ("q15", nil), ("q16", nil), ("q17", nil), ("q18", nil), ("q19", nil),
    ("q21", nil),
    ("q22", nil),
]

/// The script of a query reading the CSV files of `directory`: the kinds as filesystem tables
/// instead of views over the generator table, then the query as nexmark-flink writes it.
func nexmarkCSVScript(_ query: String, directory: String) throws -> String {
    guard let text = NexmarkSQL.queries[query] else { throw BenchError("no SQL text for \(query)") }
    let tables = """
        CREATE TABLE person (id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR,
          `dateTime` TIMESTAMP(3), extra VARCHAR, WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND)
          WITH ('connector' = 'filesystem', 'path' = '\(directory)/persons.csv', 'format' = 'csv');
        CREATE TABLE auction (id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT,
          `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR,
          WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND)
          WITH ('connector' = 'filesystem', 'path' = '\(directory)/auctions.csv', 'format' = 'csv');
        CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3),
          extra VARCHAR, WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND)
          WITH ('connector' = 'filesystem', 'path' = '\(directory)/bids.csv', 'format' = 'csv');
        """
    return tables + "\n" + NexmarkSQL.fill(text)
}

/// Runs one SQL query in this process and prints `NEXMARK read-events seconds cpu peak-rss`.
func runNexmarkSQLPoint(_ query: String, source: NexmarkBenchSource, events: Int, directory: String) throws {
    let text: String
    let read: Int
    switch source {
    case .generator:
        guard let t = NexmarkSQL.script(query, events: Int64(events)) else { throw BenchError("no SQL text for \(query)") }
        text = t
        read = Int(NexmarkEventKind.bid.count(inFirst: Int64(events)))
    case .csv:
        text = try nexmarkCSVScript(query, directory: directory)
        read = try nexmarkFileCounts(directory)[.bid] ?? 0
    }
    let script = try SQLScript(text, connectors: TableConnectors.builtIn.adding([NexmarkTableConnector()]))
    let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "1"]))
    try script.build(job: 0, into: env)
    let m = try measure(records: read) { _ = try env.execute("nexmark-sql-\(query)") }
    print("NEXMARK \(read) \(m.seconds) \(m.cpu) \(peakResidentBytes())")
    fflush(nil)
}

func benchNexmarkSQL(events: Int, sources: [NexmarkBenchSource], directory: String) throws {
    print("nexmark --sql: \(events) events, parallelism 1, heap, one process per run; events/s count the bids each query reads")
    print("  SQL/DS: SQL events/s over the DataStream job's; Flink: its SQL on the CSV files (events/s, and per CPU-s as events/s / 2)")
    for source in sources {
        print("\(source.rawValue):")
        print("  query   SQL ev/s  SQL ev/CPU-s    DS ev/s  SQL/DS   Flink ev/s     SQL vs Flink (wall, per CPU-s)")
        for (name, dataStream) in sqlNexmarkQueries where optionValue("--query").map({ $0 == name }) ?? true {
            func point(_ args: [String]) throws -> (perSecond: Double, perCPU: Double) {
                let v = try runPoint(args, marker: "NEXMARK", fields: 4)
                guard let read = Double(v[0]), let seconds = Double(v[1]), let cpu = Double(v[2]) else {
                    throw BenchError("nexmark point printed \(v)")
                }
                return (read / seconds, read / cpu)
            }
            let sql = try point(["--nexmark-sql-point", name, source.rawValue, "\(events)", directory])
            var line =
                "  \(name.padding(toLength: 5, withPad: " ", startingAt: 0))  \(millions(sql.perSecond).leftPadded(9))  \(millions(sql.perCPU).leftPadded(11))"
            if let dataStream {
                let ds = try point(["--nexmark-point", dataStream.rawValue, source.rawValue, "heap", "\(events)", directory])
                line += "  \(millions(ds.perSecond).leftPadded(9))  \(String(format: "%.2f", sql.perSecond / ds.perSecond).leftPadded(6))"
                if source == .csv, let flink = flinkNexmark[dataStream] {
                    let mid = (flink.lowerBound + flink.upperBound) / 2
                    line +=
                        "  \(millions(mid).leftPadded(10))     \(String(format: "%.1fx", sql.perSecond / mid)), \(String(format: "%.1fx", sql.perCPU / (mid / flinkCPUPerSecond)))"
                }
            }
            print(line)
            fflush(nil)
        }
    }
}
