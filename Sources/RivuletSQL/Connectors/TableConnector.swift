// The connectors a table's `WITH ('connector' = ...)` names, and what they are given.

import RivuletRuntime

/// What a connector gets to read a table.
public struct TableSourceContext: Sendable {
    public let table: CatalogTable
    /// The physical columns (and ROW fields) the query reads; a source may leave the others NULL.
    public let readColumns: [Int: Set<Int>?]
    /// Physical column -> the value every row the query keeps has there: the source may leave
    /// out other rows (the query's filter still checks them).
    public let equalities: [Int: ScalarValue]
    /// A stable prefix for the uids of the operators it adds (for savepoints).
    public let uid: String
    /// The job's configuration (`SET` and the cluster's), for limits such as allowed directories.
    public let configuration: [String: String]

    /// The storage of each physical column.
    public var kinds: [PhysicalKind] { table.physicalColumns.map { $0.type.physicalKind ?? .int } }
}

/// A connector: checks a table's options at CREATE TABLE, and adds sources and sinks.
public protocol TableConnector: Sendable {
    /// The value of `'connector'`.
    var identifier: String { get }
    /// The options it takes besides `connector` (an unknown one is an error). Keys ending in
    /// `.` are prefixes (`fields.` for `fields.<name>.kind`).
    var options: [String] { get }
    /// Whether its sink takes a changelog (updates and deletes), not only inserts.
    var acceptsUpdates: Bool { get }
    /// Checks the table's options and column types.
    func validate(_ table: CatalogTable) throws
    /// The table's rows: one column per physical column, in order.
    func source(_ context: TableSourceContext, in env: StreamExecutionEnvironment) throws -> DataStream<RowBatch>
    /// Writes `rows` (with the table's physical columns) to the table.
    func sink(_ rows: DataStream<RowBatch>, table: CatalogTable, uid: String, configuration: [String: String]) throws
}

extension TableConnector {
    public var acceptsUpdates: Bool { false }
    public func validate(_ table: CatalogTable) throws {}

    public func source(_ context: TableSourceContext, in env: StreamExecutionEnvironment) throws -> DataStream<RowBatch> {
        throw SQLError("table '\(context.table.name)' cannot be read: connector '\(identifier)' is a sink only", at: context.table.position)
    }

    public func sink(_ rows: DataStream<RowBatch>, table: CatalogTable, uid: String, configuration: [String: String]) throws {
        throw SQLError("table '\(table.name)' cannot be written: connector '\(identifier)' is a source only", at: table.position)
    }

    /// Throws for an option this connector does not take.
    public func checkOptionNames(_ table: CatalogTable) throws {
        for (key, _) in table.options where key != "connector" {
            let known = options.contains { $0.hasSuffix(".") ? key.hasPrefix($0) : $0 == key }
            guard known else {
                throw SQLError(
                    "table '\(table.name)': connector '\(identifier)' has no option '\(key)' (it takes: \(options.joined(separator: ", ")))",
                    at: table.position)
            }
        }
    }

    /// Option `key` as a whole number within `range`.
    public func intOption(_ table: CatalogTable, _ key: String, default value: Int64?, in range: ClosedRange<Int64> = 0...Int64.max) throws -> Int64?
    {
        guard let text = table.option(key) else { return value }
        guard let n = Int64(text), range.contains(n) else {
            throw SQLError(
                "table '\(table.name)': option '\(key)' must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'",
                at: table.position)
        }
        return n
    }
}

/// The connectors a session knows, by identifier.
public struct TableConnectors: Sendable {
    public private(set) var connectors: [String: any TableConnector] = [:]

    public init(_ connectors: [any TableConnector]) {
        for c in connectors { self.connectors[c.identifier] = c }
    }

    /// The built-in connectors: filesystem, datagen, print and blackhole.
    public static var builtIn: TableConnectors {
        TableConnectors([FileSystemConnector(), DataGenConnector(), PrintConnector(), BlackholeConnector()])
    }

    /// These connectors and `more`.
    public func adding(_ more: [any TableConnector]) -> TableConnectors {
        TableConnectors(Array(connectors.values) + more)
    }

    public func connector(for table: CatalogTable) throws -> any TableConnector {
        guard let name = table.option("connector") else {
            throw SQLError("table '\(table.name)' has no 'connector' option", at: table.position)
        }
        guard let c = connectors[name] else {
            var hint = ""
            if name == "nexmark" { hint = " (the nexmark connector comes with the rivulet binary's Nexmark module)" }
            throw SQLError(
                "table '\(table.name)': unknown connector '\(name)'\(hint); known: \(connectors.keys.sorted().joined(separator: ", "))",
                at: table.position)
        }
        return c
    }
}
