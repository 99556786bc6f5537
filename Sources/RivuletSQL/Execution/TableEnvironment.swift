// A SQL session: runs DDL and SET, answers SHOW, DESCRIBE and EXPLAIN, and plans the jobs of
// INSERT, statement sets and queries.

import RivuletCore
import RivuletRuntime

/// A job a script asks for: the rows of some queries written to tables (one INSERT, or the
/// INSERTs of a statement set), or the rows of a query printed.
public struct SQLJob: Sendable {
    public struct Insert: Sendable {
        public var table: CatalogTable
        public var plan: LogicalPlan
    }

    public var inserts: [Insert]
    /// A query on its own: printed (`+I[...]` lines) on standard output.
    public var query: LogicalPlan?
    /// Flink's default job name: `insert-into_<table>[,<table>...]`, or `collect` for a query.
    public var name: String
    /// The settings (`SET`) in force where the statement is.
    public var settings: [(key: String, value: String)]
}

/// What a statement did.
public enum StatementResult: Sendable {
    /// DDL or SET: what to tell the user.
    case ok(String)
    /// SHOW, DESCRIBE, EXPLAIN, SET without arguments: text to show.
    case text(String)
    /// INSERT, a statement set or a query: a job to run.
    case job(SQLJob)
}

/// The catalog, the settings and the connectors of one SQL session (Flink's TableEnvironment).
public struct TableEnvironment: Sendable {
    public private(set) var catalog = SQLCatalog()
    /// `SET` values in the order set (later values win).
    public private(set) var settings: [(key: String, value: String)] = []
    public let connectors: TableConnectors

    public init(connectors: TableConnectors = .builtIn) {
        self.connectors = connectors
    }

    /// The value of a setting.
    public func setting(_ key: String) -> String? { settings.last { $0.key == key }?.value }

    /// Runs one statement.
    public mutating func execute(_ statement: SQLStatement) throws -> StatementResult {
        switch statement {
        case .createTable(let create): return try createTable(create)
        case .createView(let name, let query, let ifNotExists, let p):
            if ifNotExists && catalog.contains(name) { return .ok("[INFO] View '\(name)' already exists: nothing changed.") }
            let plan = try QueryPlanner(catalog: catalog).plan(query)
            try catalog.add(name, .view(CatalogView(name: name, query: query, columns: plan.schema.columns.map { ($0.name, $0.type) })), at: p)
            return .ok("[INFO] Execute statement succeeded.")
        case .set(let key, let value, _):
            guard let key, let value else {
                return .text(settings.map { "'\($0.key)' = '\($0.value)'" }.joined(separator: "\n"))
            }
            settings.append((key, value))
            return .ok("[INFO] Execute statement succeeded.")
        case .insert(let insert): return .job(try job([insert]))
        case .statementSet(let inserts, let p):
            guard !inserts.isEmpty else { throw SQLError("a statement set needs at least one INSERT", at: p) }
            return .job(try job(inserts))
        case .query(let query):
            let plan = try QueryPlanner(catalog: catalog).plan(query).pushingDownProjections()
            return .job(SQLJob(inserts: [], query: plan, name: "collect", settings: settings))
        case .explain(let inner, let p): return .text(try explain(inner, at: p))
        case .showTables: return .text(catalog.names.sorted().joined(separator: "\n"))
        case .describe(let name, let p): return .text(try describe(name, at: p))
        }
    }

    mutating func createTable(_ create: SQLCreateTable) throws -> StatementResult {
        if catalog.contains(create.name) {
            if create.ifNotExists { return .ok("[INFO] Table '\(create.name)' already exists: nothing changed.") }
            throw SQLError("a table or view named '\(create.name)' already exists", at: create.position)
        }
        var columns: [CatalogColumn] = []
        for c in create.columns where c.computed == nil {
            guard let type = c.type else { throw SQLError("column '\(c.name)' needs a type", at: c.position) }
            guard type.physicalKind != nil else {
                throw SQLError(
                    "column '\(c.name)': type \(type) is not supported yet (Rivulet's SQL runs BOOLEAN, the integer types, FLOAT, DOUBLE, DECIMAL up to 18 digits, STRING, TIMESTAMP(3), TIMESTAMP_LTZ(3) and ROW)",
                    at: c.position)
            }
            columns.append(CatalogColumn(name: c.name, type: type, computed: nil, notNull: c.notNull))
        }
        var seen: Set<String> = []
        for c in create.columns {
            guard seen.insert(c.name).inserted else { throw SQLError("column '\(c.name)' is declared twice", at: c.position) }
        }
        // Computed columns: typed over the physical columns, then placed in declared order.
        let physicalSchema = RelSchema(columns: columns.map { RelColumn(name: $0.name, type: $0.type, qualifier: create.name) })
        let analyzer = ExpressionAnalyzer(schema: physicalSchema)
        var ordered: [CatalogColumn] = []
        var physical = columns.makeIterator()
        for c in create.columns {
            if let computed = c.computed {
                let e = try analyzer.analyze(computed)
                guard e.type.physicalKind != nil, e.type != .null else {
                    throw SQLError("computed column '\(c.name)' has no usable type", at: c.position)
                }
                ordered.append(CatalogColumn(name: c.name, type: e.type, computed: computed, notNull: false))
            } else if let next = physical.next() {
                ordered.append(next)
            }
        }
        var table = CatalogTable(
            name: create.name, columns: ordered, watermark: nil, primaryKey: create.primaryKey, options: create.options, position: create.position)
        for key in create.primaryKey where !ordered.contains(where: { $0.name == key }) {
            throw SQLError("PRIMARY KEY names column '\(key)', which table \(create.name) does not have", at: create.position)
        }
        if let (column, expression) = create.watermark {
            table.watermark = (column, try Self.watermarkDelay(column: column, expression, table: table))
        }
        try connectors.connector(for: table).validate(table)
        try catalog.add(create.name, .table(table), at: create.position)
        return .ok("[INFO] Execute statement succeeded.")
    }

    /// The delay of `WATERMARK FOR c AS c` or `c - INTERVAL '...' unit`.
    static func watermarkDelay(column: String, _ e: SQLExpression, table: CatalogTable) throws -> Int64 {
        guard let c = table.columns.first(where: { $0.name == column }), c.type.isTimestamp else {
            throw SQLError("the WATERMARK column '\(column)' must be a TIMESTAMP(3) or TIMESTAMP_LTZ(3)", at: e.position)
        }
        if case .identifier([column], _) = e { return 0 }
        if case .binary("-", .identifier([column], _), .literal(.interval(let q, let unit), let lp), _) = e,
            case .literal(.int(let millis), _) = try ExpressionAnalyzer.literal(.interval(q, unit: unit), at: lp), millis >= 0
        {
            return millis
        }
        throw SQLError("WATERMARK FOR \(column) AS ... must be '\(column)' or '\(column) - INTERVAL ...' (a bounded delay)", at: e.position)
    }

    func job(_ inserts: [SQLInsert]) throws -> SQLJob {
        var planned: [SQLJob.Insert] = []
        // Two sinks of one job writing one directory would write the same part files.
        for (n, insert) in inserts.enumerated() where inserts[..<n].contains(where: { $0.table == insert.table }) {
            if case .table(let table)? = catalog.entries[insert.table], table.connector == "filesystem" {
                throw SQLError(
                    "this statement set writes filesystem table '\(insert.table)' twice; write it with one INSERT (UNION ALL the queries)",
                    at: insert.position)
            }
        }
        for insert in inserts {
            guard case .table(let table) = try catalog.entry(insert.table, at: insert.position) else {
                throw SQLError("cannot INSERT INTO view '\(insert.table)'", at: insert.position)
            }
            let connector = try connectors.connector(for: table)
            let query = try QueryPlanner(catalog: catalog).plan(insert.query)
            if query.isUpdating && !connector.acceptsUpdates {
                throw SQLError(
                    "table '\(table.name)' (connector '\(connector.identifier)') takes only inserts, but the query produces updates (an aggregation without a window); write it to a print or blackhole table",
                    at: insert.position)
            }
            planned.append(
                SQLJob.Insert(
                    table: table, plan: try Self.conform(query, to: table, columns: insert.columns, at: insert.position).pushingDownProjections()))
        }
        return SQLJob(inserts: planned, query: nil, name: "insert-into_" + inserts.map(\.table).joined(separator: ","), settings: settings)
    }

    /// The query's rows in the table's physical columns, cast where SQL converts implicitly.
    static func conform(_ query: LogicalPlan, to table: CatalogTable, columns named: [String], at p: SourcePosition) throws -> LogicalPlan {
        let target = table.physicalColumns
        let source = query.schema.columns
        // Which query column feeds each table column (nil: NULL).
        var feeds: [Int?]
        if named.isEmpty {
            guard source.count == target.count else {
                throw SQLError(
                    "INSERT INTO \(table.name): the query has \(source.count) columns, the table has \(target.count) (\(target.map(\.name).joined(separator: ", ")))",
                    at: p)
            }
            feeds = Array(0..<target.count)
        } else {
            guard named.count == source.count else {
                throw SQLError("INSERT INTO \(table.name): \(named.count) columns are named but the query has \(source.count)", at: p)
            }
            feeds = Array(repeating: nil, count: target.count)
            for (i, name) in named.enumerated() {
                guard let t = target.firstIndex(where: { $0.name == name }) else {
                    throw SQLError("INSERT INTO \(table.name): the table has no column '\(name)'", at: p)
                }
                feeds[t] = i
            }
        }
        var projections: [TypedExpression] = []
        for (t, column) in target.enumerated() {
            guard let s = feeds[t] else {
                projections.append(.literal(.null, column.type))
                continue
            }
            let from = source[s].type
            let compatible =
                from == column.type || from == .null || (from.isNumeric && column.type.isNumeric) || (from.isString && column.type.isString)
                || (from.isTimestamp && column.type.isTimestamp)
            guard compatible else {
                throw SQLError(
                    "INSERT INTO \(table.name): column '\(column.name)' is \(column.type) but the query gives \(from) (column \(s + 1), '\(source[s].name)')",
                    at: p)
            }
            projections.append(try ExpressionAnalyzer.cast(.column(s, from, name: source[s].name), to: column.type, at: p))
        }
        let schema = RelSchema(columns: target.map { RelColumn(name: $0.name, type: $0.type, qualifier: nil) })
        return query.calc(projections, filter: nil, schema: schema)
    }

    func describe(_ name: String, at p: SourcePosition) throws -> String {
        switch try catalog.entry(name, at: p) {
        case .view(let view):
            return view.columns.map { "\($0.name)\t\($0.type)" }.joined(separator: "\n")
        case .table(let table):
            return table.columns.map { c in
                var line = "\(c.name)\t\(c.type)\(c.notNull ? " NOT NULL" : "")"
                if table.primaryKey.contains(c.name) { line += "\tPRI" }
                if let computed = c.computed { line += "\tAS \(computed)" }
                if let w = table.watermark, w.column == c.name { line += "\tWATERMARK AS \(c.name) - \(w.delayMillis)ms" }
                return line
            }.joined(separator: "\n")
        }
    }

    /// The plan of a statement, then the job graph it becomes with operators chained.
    func explain(_ statement: SQLStatement, at p: SourcePosition) throws -> String {
        var copy = self
        guard case .job(let job) = try copy.execute(statement) else {
            throw SQLError("EXPLAIN takes an INSERT, a statement set or a query", at: p)
        }
        var text = "== Optimized Logical Plan ==\n"
        for insert in job.inserts {
            text += "Sink(table=[\(insert.table.name)], fields=[\(insert.table.physicalColumns.map(\.name).joined(separator: ", "))])\n"
            text += insert.plan.explain(indent: 1)
        }
        if let query = job.query { text += query.explain() }
        let env = StreamExecutionEnvironment()
        try build(job, into: env, configuration: [:], uidPrefix: "explain")
        let graph = try JobGraphGenerator.createJobGraph(try env.streamGraph(jobName: job.name).normalized().topology)
        text += "\n== Job Graph (operators chained into tasks) ==\n"
        for vertex in graph.vertices {
            text += "Task \(vertex.id + 1) (parallelism \(vertex.parallelism)): \(vertex.name)\n"
        }
        for edge in graph.edges {
            text += "Task \(edge.sourceVertex + 1) -> Task \(edge.targetVertex + 1): \(edge.streamEdge.partitioning)\n"
        }
        return text
    }

    /// Adds the job's operators to `env`.
    public func build(_ job: SQLJob, into env: StreamExecutionEnvironment, configuration: [String: String], uidPrefix: String) throws {
        var tableSettings: [String: String] = [:]
        for (k, v) in job.settings where SQLScript.isTableOption(k) { tableSettings[k] = v }
        var translator = StreamTranslator(
            env: env, connectors: connectors, configuration: configuration, tableSettings: tableSettings, uidPrefix: uidPrefix)
        for (n, insert) in job.inserts.enumerated() {
            let rows = try translator.translate(insert.plan)
            try connectors.connector(for: insert.table).sink(rows, table: insert.table, uid: "\(uidPrefix)-sink-\(n)", configuration: configuration)
        }
        if let query = job.query {
            let rows = try translator.translate(query)
            switch tableSettings[Self.resultMode]?.lowercased() ?? "changelog" {
            case "changelog":
                rows.sinkTo(RowPrintSink(types: query.schema.types, identifier: nil, standardError: false), name: "Sink(collect)").uid(
                    "\(uidPrefix)-collect")
            case "tableau":
                rows.sinkTo(TableauSink(layout: TableauLayout(names: query.schema.names, types: query.schema.types)), name: "Sink(collect, tableau)")
                    .setParallelism(1).uid("\(uidPrefix)-collect")
            case let mode:
                throw SQLError(
                    "'\(Self.resultMode)' must be 'tableau' (a table of the changelog) or 'changelog' (+I[...] lines), got '\(mode)' (the interactive 'table' view is not supported)",
                    at: SourcePosition(line: 1, column: 1))
            }
        }
    }

    /// How a query's rows are shown (Flink's SQL client option): `changelog` prints `+I[...]`
    /// lines, `tableau` a table of the changelog (the shell's default).
    public static let resultMode = "sql-client.execution.result-mode"
}
