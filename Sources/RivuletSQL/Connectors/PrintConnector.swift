// 'connector' = 'print' and 'connector' = 'blackhole': sinks for looking and for measuring.

import RivuletRuntime

/// Prints each row on standard output as Flink does: `+I[1, foo]`, prefixed by
/// `print-identifier` and, when the sink runs in parallel, the subtask (`2> +I[...]`).
public struct PrintConnector: TableConnector {
    public let identifier = "print"
    public var acceptsUpdates: Bool { true }
    public let options = ["print-identifier", "standard-error", "sink.parallelism"]

    public init() {}

    public func validate(_ table: CatalogTable) throws { try checkOptionNames(table) }

    public func sink(_ rows: DataStream<RowBatch>, table: CatalogTable, uid: String, configuration: [String: String]) throws {
        let types = table.physicalColumns.map(\.type)
        var sink = rows.sinkTo(
            RowPrintSink(types: types, identifier: table.option("print-identifier"), standardError: table.option("standard-error") == "true"),
            name: "Sink(table=[\(table.name)], connector=[print])"
        ).uid(uid)
        if let p = try intOption(table, "sink.parallelism", default: nil, in: 1...32768) { sink = sink.setParallelism(Int(p)) }
    }
}

/// Writes rows as Flink's print connector does.
struct RowPrintSink: Sink {
    let types: [SQLDataType]
    let identifier: String?
    let standardError: Bool

    func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        var prefix = identifier ?? ""
        if parallelism > 1 { prefix += (prefix.isEmpty ? "" : ":") + "\(subtaskIndex + 1)" }
        return Writer(types: types, prefix: prefix.isEmpty ? "" : prefix + "> ", standardError: standardError)
    }

    struct Writer: SinkWriter {
        let types: [SQLDataType]
        let prefix: String
        let standardError: Bool
        var buffer: [UInt8] = []

        mutating func write(_ batch: RowBatch, timestamp: Int64) throws {
            for i in 0..<batch.count {
                buffer.append(contentsOf: prefix.utf8)
                buffer.append(contentsOf: RowText.printed(batch, i, types: types).utf8)
                buffer.append(UInt8(ascii: "\n"))
            }
            if buffer.count >= 1 << 16 { try flush() }
        }

        mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            if standardError {
                try LineOutput.writeAll(buffer, to: 2, what: "standard error")
            } else {
                try StandardOutput.write(buffer)
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

/// Drops every row (Flink's blackhole connector): for measuring a query's speed.
public struct BlackholeConnector: TableConnector {
    public let identifier = "blackhole"
    public var acceptsUpdates: Bool { true }
    public let options: [String] = []

    public init() {}

    public func validate(_ table: CatalogTable) throws { try checkOptionNames(table) }

    public func sink(_ rows: DataStream<RowBatch>, table: CatalogTable, uid: String, configuration: [String: String]) throws {
        rows.discard().name("Sink(table=[\(table.name)], connector=[blackhole])").uid(uid)
    }
}
