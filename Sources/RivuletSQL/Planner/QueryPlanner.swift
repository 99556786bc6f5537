// Plans queries against the catalog: FROM, WHERE and the select list become scans and Calcs.

/// Turns parsed queries into logical plans, resolving names through `catalog`. What Rivulet's
/// SQL does not run yet is an error at the clause that asks for it.
public struct QueryPlanner {
    public let catalog: SQLCatalog

    public init(catalog: SQLCatalog) {
        self.catalog = catalog
    }

    public func plan(_ query: SQLQuery) throws -> LogicalPlan {
        switch query {
        case .select(let select): return try plan(select)
        case .unionAll:
            var inputs: [LogicalPlan] = []
            try collectUnion(query, into: &inputs)
            let first = inputs[0].schema
            for (n, input) in inputs.enumerated().dropFirst() {
                guard input.schema.columns.count == first.columns.count else {
                    throw SQLError(
                        "the inputs of UNION ALL have different numbers of columns (\(first.columns.count) and \(input.schema.columns.count) in input \(n + 1))",
                        at: position(of: query))
                }
            }
            var columns = first.columns.map { RelColumn(name: $0.name, type: $0.type, qualifier: nil) }
            for i in columns.indices {
                columns[i].type = try ExpressionAnalyzer.commonType(
                    inputs.map { $0.schema.columns[i].type }, what: "UNION ALL", at: position(of: query))
            }
            let cast = try inputs.map { input -> LogicalPlan in
                if input.schema.types == columns.map(\.type) { return input }
                let projections = try input.schema.columns.enumerated().map { i, c in
                    try ExpressionAnalyzer.cast(.column(i, c.type, name: c.name), to: columns[i].type, at: position(of: query))
                }
                return input.calc(projections, filter: nil, schema: RelSchema(columns: columns))
            }
            return .unionAll(cast, schema: RelSchema(columns: columns))
        }
    }

    func collectUnion(_ query: SQLQuery, into inputs: inout [LogicalPlan]) throws {
        switch query {
        case .unionAll(let a, let b):
            try collectUnion(a, into: &inputs)
            try collectUnion(b, into: &inputs)
        case .select: inputs.append(try plan(query))
        }
    }

    func position(of query: SQLQuery) -> SourcePosition {
        switch query {
        case .select(let s): return s.position
        case .unionAll(let a, _): return position(of: a)
        }
    }

    func plan(_ select: SQLSelect) throws -> LogicalPlan {
        var input = try plan(select.from)
        if let first = select.orderBy.first {
            throw SQLError("ORDER BY is not supported on a streaming query (Flink sorts only on a time attribute)", at: first.expression.position)
        }
        if select.limit != nil { throw SQLError("LIMIT is not supported on a streaming query yet", at: select.position) }
        let analyzer = ExpressionAnalyzer(schema: input.schema)
        var filter: TypedExpression?
        if let w = select.whereClause {
            let condition = try analyzer.analyze(w)
            guard condition.type == .boolean || condition.type == .null else {
                throw SQLError("WHERE needs a BOOLEAN condition, got \(condition.type)", at: w.position)
            }
            filter = condition
        }
        // WHERE rn <= N over ROW_NUMBER() OVER (...): a Top-N.
        if let ranked = try Self.topN(input, filter: filter) { (input, filter) = ranked }
        if let (index, call) = Self.rowNumberItem(select) {
            return try planRowNumber(select, item: index, call: call, input: input, filter: filter)
        }
        if select.distinct {
            // SELECT DISTINCT is GROUP BY the selected expressions (a changelog of first rows).
            guard !Self.aggregates(select) else {
                throw SQLError("SELECT DISTINCT with aggregates or GROUP BY is not supported yet", at: select.position)
            }
            var grouped = select
            grouped.distinct = false
            // `*` (or `t.*`) is each of its columns.
            grouped.items = try select.items.flatMap { item -> [SQLSelectItem] in
                guard case .star(let qualifier, let p) = item.expression else { return [item] }
                let matching = input.schema.columns.filter { qualifier == nil || $0.qualifier == qualifier }
                if matching.isEmpty, let qualifier { throw SQLError("no table '\(qualifier)' in FROM for '\(qualifier).*'", at: p) }
                return matching.map { c in
                    var column = item
                    column.expression = .identifier(qualifier.map { [$0, c.name] } ?? [c.name], p)
                    column.alias = nil
                    return column
                }
            }
            grouped.groupBy = grouped.items.map(\.expression)
            return try planAggregate(grouped, input: input, filter: filter)
        }
        if Self.aggregates(select) { return try planAggregate(select, input: input, filter: filter) }
        if case .windowTable(_, let window, _) = input, window.kind == .session || window.processingTime {
            throw SQLError(
                "the rows of \(window.kind.rawValue)(...)\(window.processingTime ? " over processing time" : "") can only be aggregated yet: GROUP BY window_start, window_end",
                at: select.position)
        }
        let list = try selectList(select.items, input: input, analyzer: analyzer)
        return Self.prunedRankNumber(input.calc(list.projections, filter: filter, schema: list.schema))
    }

    /// A select list's expressions over `input` (`*` expanded), and its output columns (the
    /// event-time and processing-time attributes kept where a column passes them on).
    func selectList(
        _ items: [SQLSelectItem], input: LogicalPlan, analyzer: ExpressionAnalyzer
    ) throws -> (
        projections: [TypedExpression], schema: RelSchema
    ) {
        var projections: [TypedExpression] = []
        var columns: [RelColumn] = []
        var rowtime: Int?
        var proctime: Int?
        for item in items {
            if case .star(let qualifier, let p) = item.expression {
                let matching = input.schema.columns.indices.filter { qualifier == nil || input.schema.columns[$0].qualifier == qualifier }
                if matching.isEmpty, let qualifier { throw SQLError("no table '\(qualifier)' in FROM for '\(qualifier).*'", at: p) }
                for i in matching {
                    let c = input.schema.columns[i]
                    if i == input.schema.rowtime && rowtime == nil { rowtime = projections.count }
                    if i == input.schema.proctime && proctime == nil { proctime = projections.count }
                    projections.append(.column(i, c.type, name: c.name))
                    columns.append(RelColumn(name: c.name, type: c.type, qualifier: nil))
                }
                continue
            }
            let e = try analyzer.analyze(item.expression)
            if case .column(let i, _, _) = e, i == input.schema.rowtime, rowtime == nil { rowtime = projections.count }
            if proctime == nil {
                if case .column(let i, _, _) = e, i == input.schema.proctime { proctime = projections.count }
                if case .call(.function("PROCTIME"), _, _) = e { proctime = projections.count }
            }
            projections.append(e)
            columns.append(RelColumn(name: item.alias ?? Self.defaultName(item.expression, index: columns.count), type: e.type, qualifier: nil))
        }
        return (projections, RelSchema(columns: Self.uniqueNames(columns), rowtime: rowtime, proctime: proctime))
    }

    /// The columns with repeated names numbered (`price`, `price0`), as Flink names them.
    static func uniqueNames(_ columns: [RelColumn]) -> [RelColumn] {
        var out = columns
        var seen: Set<String> = []
        for (i, c) in columns.enumerated() {
            var name = c.name
            var n = 0
            while seen.contains(name) {
                name = "\(c.name)\(n)"
                n += 1
            }
            out[i].name = name
            seen.insert(name)
        }
        return out
    }

    /// The name Flink gives an unaliased select item: the column's name, else `EXPR$n`.
    static func defaultName(_ e: SQLExpression, index: Int) -> String {
        if case .identifier(let parts, _) = e, let last = parts.last { return last }
        return "EXPR$\(index)"
    }

    func plan(_ reference: SQLTableReference) throws -> LogicalPlan {
        switch reference {
        case .table(let name, let alias, let p):
            switch try catalog.entry(name, at: p) {
            case .table(let table): return .scan(try scan(table, alias: alias ?? name))
            case .view(let view):
                let plan = try self.plan(view.query)
                let schema = plan.schema.qualified(alias ?? name)
                return plan.calc(
                    plan.schema.columns.indices.map { .column($0, plan.schema.columns[$0].type, name: plan.schema.columns[$0].name) }, filter: nil,
                    schema: schema)
            }
        case .subquery(let query, let alias, _):
            let plan = try self.plan(query)
            guard let alias else { return plan }
            let schema = plan.schema.qualified(alias)
            return plan.calc(
                plan.schema.columns.indices.map { .column($0, plan.schema.columns[$0].type, name: plan.schema.columns[$0].name) }, filter: nil,
                schema: schema)
        case .tableFunction(let call, let alias, let p): return try windowTable(call, alias: alias, at: p)
        case .join(_, _, let kind, _, let p):
            throw SQLError("\(kind) JOIN is not supported yet (joins come with the SQL joins work)", at: p)
        }
    }

    /// `TUMBLE(TABLE t, DESCRIPTOR(ts), size)`, `HOP(TABLE t, DESCRIPTOR(ts), slide, size)`,
    /// `CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)` or `SESSION(TABLE t [PARTITION BY k],
    /// DESCRIPTOR(ts), gap)` over the table's event-time or processing-time attribute.
    func windowTable(_ call: SQLFunctionCall, alias: String?, at p: SourcePosition) throws -> LogicalPlan {
        guard let kind = WindowSpec.Kind(rawValue: call.name) else {
            throw SQLError("window table function \(call.name) is not supported (TUMBLE, HOP, CUMULATE and SESSION are)", at: p)
        }
        let expected = kind == .tumble || kind == .session ? 3 : 4
        let sizes = ["TUMBLE": "size", "HOP": "slide, size", "CUMULATE": "step, size", "SESSION": "gap"][call.name] ?? "size"
        guard call.arguments.count == expected, case .tableArgument(let name, let partition, let tp) = call.arguments[0],
            case .descriptor(let columns, let dp) = call.arguments[1], columns.count == 1
        else {
            throw SQLError(
                "\(call.name) takes (TABLE t, DESCRIPTOR(time_column), \(sizes)) as positional arguments", at: call.position)
        }
        if !partition.isEmpty && kind != .session {
            throw SQLError("only SESSION takes TABLE t PARTITION BY ...", at: tp)
        }
        let input = try plan(.table(name: name, alias: nil, position: tp))
        for column in partition where !input.schema.names.contains(column) {
            throw SQLError("PARTITION BY \(column): table '\(name)' has no such column", at: tp)
        }
        guard let time = input.schema.columns.firstIndex(where: { $0.name == columns[0] }) else {
            throw SQLError("DESCRIPTOR(\(columns[0])): table '\(name)' has no such column", at: dp)
        }
        guard time == input.schema.rowtime || time == input.schema.proctime else {
            throw SQLError(
                "DESCRIPTOR(\(columns[0])) must name the event-time attribute of '\(name)' (a column with a WATERMARK) or its processing-time attribute (PROCTIME())",
                at: dp)
        }
        func millis(_ e: SQLExpression) throws -> Int64 {
            guard case .literal(.interval(let q, let unit), let lp) = e,
                case .literal(.int(let ms), _) = try ExpressionAnalyzer.literal(.interval(q, unit: unit), at: lp),
                ms > 0
            else { throw SQLError("\(call.name) needs a positive INTERVAL here", at: e.position) }
            return ms
        }
        let size = try millis(call.arguments[expected - 1])
        let slide = expected == 4 ? try millis(call.arguments[2]) : size
        if expected == 4 && size % slide != 0 {
            throw SQLError(
                "\(call.name)'s size (\(size) ms) must be a whole multiple of its \(kind == .hop ? "slide" : "step") (\(slide) ms)", at: call.position
            )
        }
        var spec = WindowSpec(kind: kind, sizeMillis: size, slideMillis: slide, timeColumn: time, timeColumnName: columns[0])
        spec.processingTime = time != input.schema.rowtime
        spec.partitionBy = partition.compactMap { input.schema.names.firstIndex(of: $0) }
        if spec.processingTime && kind == .cumulate {
            throw SQLError("CUMULATE over processing time is not supported yet (over event time it is)", at: call.position)
        }
        let qualifier = alias ?? name
        let timestamp = SQLDataType.timestamp(precision: 3)
        let schema = RelSchema(
            columns: input.schema.columns.map { RelColumn(name: $0.name, type: $0.type, qualifier: qualifier) }
                + ["window_start", "window_end", "window_time"].map { RelColumn(name: $0, type: timestamp, qualifier: qualifier) },
            rowtime: spec.processingTime ? nil : input.schema.columns.count + 2)
        return .windowTable(input: input, window: spec, schema: schema)
    }

    /// The scan of `table`: physical columns from the connector, computed columns evaluated
    /// over them, and the watermark.
    public func scan(_ table: CatalogTable, alias: String?) throws -> TableScan {
        let physical = table.physicalColumns
        let physicalSchema = RelSchema(columns: physical.map { RelColumn(name: $0.name, type: $0.type, qualifier: alias) })
        let analyzer = ExpressionAnalyzer(schema: physicalSchema)
        var columns: [TypedExpression] = []
        var physicalIndex = 0
        for c in table.columns {
            if let computed = c.computed {
                columns.append(try ExpressionAnalyzer.cast(try analyzer.analyze(computed), to: c.type, at: table.position))
            } else {
                columns.append(.column(physicalIndex, c.type, name: c.name))
                physicalIndex += 1
            }
        }
        var schema = RelSchema(columns: table.columns.map { RelColumn(name: $0.name, type: $0.type, qualifier: alias) })
        var delay: Int64?
        if let watermark = table.watermark {
            schema.rowtime = table.columns.firstIndex { $0.name == watermark.column }
            delay = watermark.delayMillis
        }
        return TableScan(table: table, columns: columns, schema: schema, readColumns: nil, neededColumns: nil, watermarkDelay: delay, equalities: [:])
    }
}
