// The relational plan of a query: what it computes, before it becomes DataStream operators.

/// Reading a table: its physical columns from the connector, its computed columns, and the
/// watermark of its event-time attribute.
public struct TableScan: Sendable {
    public var table: CatalogTable
    /// The computed columns as expressions over the physical ones, in declared column order
    /// (a physical column is a `.column` reference).
    public var columns: [TypedExpression]
    public var schema: RelSchema
    /// Which physical columns are read, and of a ROW column which fields (nil: all); filled in
    /// by `LogicalPlan.pushingDownProjections()`. Nil before that: everything is read.
    public var readColumns: [Int: Set<Int>?]?
    /// The declared columns read above the scan (nil: all); a computed column nobody reads is
    /// not computed.
    public var neededColumns: Set<Int>?
    /// The watermark's delay behind the largest rowtime seen, when the table has one.
    public var watermarkDelay: Int64?
    /// `column = constant` conditions on physical columns that every row the plan keeps
    /// meets: a source may leave out the rows that do not (the filter still runs above it).
    public var equalities: [Int: ScalarValue] = [:]
}

/// A relational operator with its output columns. Aggregations and Top-N are changelogs
/// (`isUpdating`); the other nodes append.
public indirect enum LogicalPlan: Sendable {
    case scan(TableScan)
    /// Projection and filter in one operator (Flink's Calc): `filter` decides which rows pass,
    /// then `projections` compute the output columns.
    case calc(input: LogicalPlan, projections: [TypedExpression], filter: TypedExpression?, schema: RelSchema)
    case unionAll([LogicalPlan], schema: RelSchema)
    /// GROUP BY: the input's first `groupCount` columns are the key; the output is the key
    /// then one column per call. Updating: a changelog of each group's result.
    case aggregate(input: LogicalPlan, groupCount: Int, calls: [AggregateCall], schema: RelSchema)
    /// A window aggregation: the input's first `groupCount` columns are the key and column
    /// `rowtime` its event time; the output is the key, window_start, window_end, window_time,
    /// then one column per call, one row per group and window once the watermark passes the
    /// window's end. Append-only.
    /// A window table function's rows: the input's columns, then window_start, window_end and
    /// window_time. Only a window aggregation reads it (it plans over the input directly).
    case windowTable(input: LogicalPlan, window: WindowSpec, schema: RelSchema)
    case windowAggregate(input: LogicalPlan, groupCount: Int, calls: [AggregateCall], window: WindowSpec, rowtime: Int, schema: RelSchema)
    /// `ROW_NUMBER() OVER (...)` before the query around it has said which row numbers it
    /// keeps: the input's columns, then the row number. Only a filter on the row number
    /// reads it (it becomes a `.rank`).
    case rowNumber(input: LogicalPlan, rank: RankSpec, schema: RelSchema)
    /// Top-N or deduplication: per partition, the rows of the kept row numbers, as a changelog
    /// (the input's columns, then the row number when `rank.outputsRankNumber`).
    case rank(input: LogicalPlan, rank: RankSpec, schema: RelSchema)

    public var schema: RelSchema {
        switch self {
        case .scan(let s): return s.schema
        case .calc(_, _, _, let schema), .unionAll(_, let schema), .aggregate(_, _, _, let schema), .windowAggregate(_, _, _, _, _, let schema),
            .windowTable(_, _, let schema), .rowNumber(_, _, let schema), .rank(_, _, let schema):
            return schema
        }
    }

    /// Whether the plan's rows update or retract earlier rows (a changelog), not only append.
    public var isUpdating: Bool {
        switch self {
        case .scan: return false
        case .calc(let input, _, _, _): return input.isUpdating
        case .unionAll(let inputs, _): return inputs.contains(where: \.isUpdating)
        case .aggregate: return true
        case .windowAggregate: return false
        case .windowTable(let input, _, _), .rowNumber(let input, _, _): return input.isUpdating
        case .rank(_, let rank, _): return rank.isUpdating
        }
    }

    /// A projection and filter over this plan; merged into this plan when it is a Calc itself.
    func calc(_ projections: [TypedExpression], filter: TypedExpression?, schema: RelSchema) -> LogicalPlan {
        if case .calc(let input, let inner, let innerFilter, _) = self {
            let outer = filter.map { $0.substituting(inner) }
            let combined: TypedExpression?
            switch (innerFilter, outer) {
            case (nil, let f), (let f, nil): combined = f
            case (let a?, let b?): combined = .call(.and, [a, b], .boolean)
            }
            return .calc(input: input, projections: projections.map { $0.substituting(inner) }, filter: combined, schema: schema)
        }
        return .calc(input: self, projections: projections, filter: filter, schema: schema)
    }

    /// This plan with each scan told which of its columns and ROW fields the plan reads, so a
    /// source can leave the others out (`required`: the output columns read above this node).
    public func pushingDownProjections(_ required: [Int: Set<Int>?]? = nil) -> LogicalPlan {
        let needed = required ?? Dictionary(uniqueKeysWithValues: schema.columns.indices.map { ($0, Set<Int>?.none) })
        switch self {
        case .scan(var scan):
            // Computed columns read physical ones; the rowtime column is always read.
            var read: [Int: Set<Int>?] = [:]
            var wanted = needed
            if let rowtime = scan.schema.rowtime { wanted[rowtime] = .some(nil) }
            for (index, fields) in wanted {
                let column = scan.columns[index]
                if case .column(let physical, _, _) = column {
                    Self.merge(&read, physical, fields)
                } else {
                    column.reads(into: &read)
                }
            }
            scan.readColumns = read
            scan.neededColumns = Set(wanted.keys)
            return .scan(scan)
        case .calc(var input, let projections, let filter, let schema):
            if case .scan(var scan) = input, let filter {
                for conjunct in Self.conjuncts(filter) {
                    guard case .call(.equal, let args, _) = conjunct, args.count == 2 else { continue }
                    for (a, b) in [(args[0], args[1]), (args[1], args[0])] {
                        if case .column(let c, _, _) = a, case .literal(let v, _) = b, v != .null, case .column(let p, _, _) = scan.columns[c] {
                            scan.equalities[p] = v
                        }
                    }
                }
                input = .scan(scan)
            }
            var read: [Int: Set<Int>?] = [:]
            for (index, fields) in needed {
                if let fields, case .column(let c, _, _) = projections[index] {
                    Self.merge(&read, c, fields)
                } else {
                    projections[index].reads(into: &read)
                }
            }
            filter?.reads(into: &read)
            return .calc(input: input.pushingDownProjections(read), projections: projections, filter: filter, schema: schema)
        case .unionAll(let inputs, let schema):
            return .unionAll(inputs.map { $0.pushingDownProjections(needed) }, schema: schema)
        case .aggregate(let input, let groupCount, let calls, let schema):
            return .aggregate(input: input.pushingDownProjections(), groupCount: groupCount, calls: calls, schema: schema)
        case .windowTable(let input, let window, let schema):
            return .windowTable(input: input.pushingDownProjections(), window: window, schema: schema)
        case .rowNumber(let input, let rank, let schema):
            return .rowNumber(input: input.pushingDownProjections(), rank: rank, schema: schema)
        case .rank(let input, let rank, let schema):
            return .rank(input: input.pushingDownProjections(), rank: rank, schema: schema)
        case .windowAggregate(let input, let groupCount, let calls, let window, let rowtime, let schema):
            return .windowAggregate(
                input: input.pushingDownProjections(), groupCount: groupCount, calls: calls, window: window, rowtime: rowtime, schema: schema)
        }
    }

    /// The operands of a chain of ANDs.
    static func conjuncts(_ e: TypedExpression) -> [TypedExpression] {
        if case .call(.and, let args, _) = e { return args.flatMap(conjuncts) }
        return [e]
    }

    static func merge(_ read: inout [Int: Set<Int>?], _ column: Int, _ fields: Set<Int>?) {
        guard let existing = read[column] else {
            read[column] = fields
            return
        }
        if let a = existing, let b = fields {
            read[column] = a.union(b)
        } else {
            read[column] = .some(nil)
        }
    }

    /// The plan as an indented tree (EXPLAIN's first part).
    public func explain(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        switch self {
        case .scan(let s):
            var text =
                "\(pad)TableSourceScan(table=[\(s.table.name)], connector=[\(s.table.connector)], fields=[\(s.schema.names.joined(separator: ", "))]"
            if let read = s.readColumns {
                let physical = s.table.physicalColumns
                let names = read.keys.sorted().map { i -> String in
                    let c = physical[i]
                    guard let fields = read[i] ?? nil, let row = c.type.rowFields else { return c.name }
                    return fields.sorted().map { "\(c.name).\(row[$0].name)" }.joined(separator: ", ")
                }
                text += ", read=[\(names.joined(separator: ", "))]"
            }
            if !s.equalities.isEmpty {
                let physical = s.table.physicalColumns
                text +=
                    ", where=["
                    + s.equalities.keys.sorted().map {
                        "\(physical[$0].name) = \(TypedExpression.literal(s.equalities[$0] ?? .null, physical[$0].type))"
                    }.joined(separator: ", ") + "]"
            }
            if let delay = s.watermarkDelay, let rowtime = s.schema.rowtime {
                text += ", watermark=[\(s.schema.columns[rowtime].name) - \(delay)ms]"
            }
            return text + ")\n"
        case .calc(let input, let projections, let filter, let schema):
            let select = zip(projections, schema.names).map { e, n in
                if case .column(_, _, let name) = e, name == n { return n }
                return "\(e) AS \(n)"
            }
            var text = "\(pad)Calc(select=[\(select.joined(separator: ", "))]"
            if let filter { text += ", where=[\(filter)]" }
            return text + ")\n" + input.explain(indent: indent + 1)
        case .unionAll(let inputs, let schema):
            return "\(pad)Union(all=[true], union=[\(schema.names.joined(separator: ", "))])\n"
                + inputs.map { $0.explain(indent: indent + 1) }.joined()
        case .aggregate(let input, let groupCount, let calls, let schema):
            let keys = schema.names.prefix(groupCount).joined(separator: ", ")
            let select = schema.names.prefix(groupCount) + zip(calls, schema.names.dropFirst(groupCount)).map { "\($0) AS \($1)" }
            return "\(pad)GroupAggregate(groupBy=[\(keys)], select=[\(select.joined(separator: ", "))])\n" + input.explain(indent: indent + 1)
        case .windowTable(let input, let window, _):
            return "\(pad)WindowTableFunction(\(window))\n" + input.explain(indent: indent + 1)
        case .rowNumber(let input, let rank, _):
            return "\(pad)OverAggregate(ROW_NUMBER() OVER (\(rank.orderKeys)))\n" + input.explain(indent: indent + 1)
        case .rank(let input, let rank, _):
            return "\(pad)\(rank.explain(input.schema))\n" + input.explain(indent: indent + 1)
        case .windowAggregate(let input, let groupCount, let calls, let window, _, let schema):
            let keys = schema.names.prefix(groupCount).joined(separator: ", ")
            let select = schema.names.prefix(groupCount + 3) + zip(calls, schema.names.dropFirst(groupCount + 3)).map { "\($0) AS \($1)" }
            return "\(pad)WindowAggregate(groupBy=[\(keys)], window=[\(window)], select=[\(select.joined(separator: ", "))])\n"
                + input.explain(indent: indent + 1)
        }
    }
}
