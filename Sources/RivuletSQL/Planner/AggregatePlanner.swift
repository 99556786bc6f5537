// Plans GROUP BY and aggregate functions: a Calc computing keys and arguments, the
// aggregation, and a Calc computing the select list and HAVING over keys and results.

extension QueryPlanner {
    static let aggregateFunctions: Set<String> = ["COUNT", "SUM", "AVG", "MIN", "MAX"]

    static func isAggregateCall(_ e: SQLExpression) -> SQLFunctionCall? {
        if case .call(let c) = e, aggregateFunctions.contains(c.name), c.over == nil { return c }
        return nil
    }

    /// Whether the SELECT aggregates (GROUP BY, or an aggregate in its select list or HAVING).
    static func aggregates(_ select: SQLSelect) -> Bool {
        var found = !select.groupBy.isEmpty || select.having != nil
        for item in select.items { item.expression.visit { if isAggregateCall($0) != nil { found = true } } }
        return found
    }

    /// `TUMBLE(ts, size)`, `HOP(ts, slide, size)` or `SESSION(ts, gap)` in GROUP BY, over the
    /// input's event-time attribute.
    static func groupWindow(_ c: SQLFunctionCall, input: LogicalPlan, analyzer: ExpressionAnalyzer) throws -> WindowSpec {
        guard let kind = WindowSpec.Kind(rawValue: c.name), kind != .cumulate else {
            throw SQLError("group window function \(c.name) is not supported yet (TUMBLE, HOP and SESSION are)", at: c.position)
        }
        let expected = kind == .hop ? 3 : 2
        guard c.arguments.count == expected else { throw SQLError("\(c.name) takes \(expected) arguments, got \(c.arguments.count)", at: c.position) }
        guard case .column(let time, _, let name) = try analyzer.analyze(c.arguments[0]),
            time == input.schema.rowtime || time == input.schema.proctime
        else {
            throw SQLError(
                "the first argument of \(c.name) must be the event-time attribute (a column with a WATERMARK) or the processing-time attribute (PROCTIME())",
                at: c.arguments[0].position)
        }
        func millis(_ e: SQLExpression) throws -> Int64 {
            guard case .literal(.int(let ms), let type) = try analyzer.analyze(e), case .interval = type, ms > 0 else {
                throw SQLError("\(c.name) needs a positive INTERVAL here", at: e.position)
            }
            return ms
        }
        let size = try millis(c.arguments[expected - 1])
        let slide = kind == .hop ? try millis(c.arguments[1]) : size
        if kind == .hop && size % slide != 0 {
            throw SQLError("HOP's size (\(size) ms) must be a whole multiple of its slide (\(slide) ms)", at: c.position)
        }
        var spec = WindowSpec(kind: kind, sizeMillis: size, slideMillis: slide, timeColumn: time, timeColumnName: name)
        spec.processingTime = time != input.schema.rowtime
        return spec
    }

    func planAggregate(_ select: SQLSelect, input: LogicalPlan, filter: TypedExpression?) throws -> LogicalPlan {
        // Over a changelog (the result of a GROUP BY or Top-N) rows are also retracted: only
        // the aggregates that can take a row back run there, and no window.
        let retracting = input.isUpdating
        if retracting, case .windowTable = input {
            throw SQLError("a window aggregation over an updating input is not supported", at: select.position)
        }
        let analyzer = ExpressionAnalyzer(schema: input.schema)
        var keys: [TypedExpression] = [], keyTexts: [String] = [], keyNames: [String] = []
        // A group window function in GROUP BY (`SESSION(ts, INTERVAL ...)`, Flink's older
        // form): its window's start and end are read with SESSION_START(...) / SESSION_END(...).
        var groupWindow: WindowSpec?
        for g in select.groupBy {
            if case .call(let c) = g, ["TUMBLE", "HOP", "SESSION", "CUMULATE"].contains(c.name) {
                guard groupWindow == nil else { throw SQLError("GROUP BY takes one group window function", at: g.position) }
                if retracting { throw SQLError("a group window over an updating input is not supported", at: g.position) }
                groupWindow = try Self.groupWindow(c, input: input, analyzer: analyzer)
                continue
            }
            let e = try analyzer.analyze(g)
            guard e.type.rowFields == nil else { throw SQLError("GROUP BY a ROW value is not supported", at: g.position) }
            keys.append(e)
            keyTexts.append(g.description)
            keyNames.append(Self.defaultName(g, index: keys.count - 1))
        }
        // Over a window table function: window_start and window_end are the window, the other
        // keys group within it, and keys, arguments and WHERE are computed over its input.
        var window: (spec: WindowSpec, base: LogicalPlan)? = groupWindow.map { ($0, input) }
        var windowKeys: [Int: Int] = [:]  // group key -> 0 start, 1 end, 2 time
        if case .windowTable(let base, let spec, _) = input {
            let width = base.schema.columns.count
            window = (spec, base)
            for (k, key) in keys.enumerated() {
                if case .column(let i, _, _) = key, i >= width {
                    windowKeys[k] = i - width
                    continue
                }
                var read: [Int: Set<Int>?] = [:]
                key.reads(into: &read)
                if read.keys.contains(where: { $0 >= width }) {
                    throw SQLError("a GROUP BY key may use window_start or window_end only as they are", at: select.groupBy[k].position)
                }
            }
            guard Set(windowKeys.values).isSuperset(of: [0, 1]) else {
                throw SQLError("an aggregation over \(spec.kind.rawValue)(...) must GROUP BY window_start, window_end", at: select.position)
            }
            if spec.kind == .session {
                // Sessions span the whole table, or each partition of PARTITION BY: the other
                // keys must be those columns (Flink aggregates any others as a changelog).
                var grouped: Set<Int> = []
                for (k, key) in keys.enumerated() where windowKeys[k] == nil {
                    guard case .column(let c, _, _) = key, spec.partitionBy.contains(c) else {
                        throw SQLError(
                            "an aggregation over SESSION(...) groups by window_start, window_end and the PARTITION BY columns only (\(spec.partitionBy.isEmpty ? "none here: sessions span the table" : spec.partitionBy.map { base.schema.columns[$0].name }.joined(separator: ", ")))",
                            at: select.groupBy[k].position)
                    }
                    grouped.insert(c)
                }
                if let missing = spec.partitionBy.first(where: { !grouped.contains($0) }) {
                    throw SQLError(
                        "SESSION(TABLE ... PARTITION BY \(base.schema.columns[missing].name)): the aggregation must GROUP BY \(base.schema.columns[missing].name) too",
                        at: select.position)
                }
            }
            if let filter {
                var read: [Int: Set<Int>?] = [:]
                filter.reads(into: &read)
                if read.keys.contains(where: { $0 >= width }) { throw SQLError("WHERE cannot use the window columns", at: select.position) }
            }
        }
        let regular = keys.indices.filter { windowKeys[$0] == nil }
        // The aggregate calls, each once however often it is written.
        var calls: [AggregateCall] = [], callTexts: [String] = [], arguments: [TypedExpression] = []
        func collect(_ e: SQLExpression) throws {
            try e.visit { node in
                guard let c = Self.isAggregateCall(node), !callTexts.contains(node.description) else { return }
                for a in c.arguments {
                    try a.visit { if Self.isAggregateCall($0) != nil { throw SQLError("aggregate functions cannot be nested", at: $0.position) } }
                }
                guard let function = AggregateCall.Function(rawValue: c.name) else { return }
                var argument: Int?
                var argumentType = SQLDataType.bigint
                if c.arguments.count == 1, case .star = c.arguments[0] {
                    guard function == .count, !c.distinct else { throw SQLError("only COUNT takes '*'", at: c.position) }
                } else {
                    guard c.arguments.count == 1 else { throw SQLError("\(c.name) takes one argument, got \(c.arguments.count)", at: c.position) }
                    let a = try analyzer.analyze(c.arguments[0])
                    switch function {
                    case .sum, .avg:
                        guard a.type.isNumeric else { throw SQLError("\(c.name) needs a number, got \(a.type)", at: c.position) }
                    case .min, .max:
                        guard a.type.rowFields == nil, a.type != .null else {
                            throw SQLError("\(c.name) cannot compare \(a.type) values", at: c.position)
                        }
                    case .count: break
                    }
                    argument = regular.count + arguments.count
                    argumentType = a.type == .tinyint || a.type == .smallint ? .int : a.type
                    arguments.append(try ExpressionAnalyzer.cast(a, to: argumentType, at: c.position))
                }
                var filterColumn: Int?
                if let f = c.filter {
                    let condition = try analyzer.analyze(f)
                    guard condition.type == .boolean else {
                        throw SQLError("FILTER (WHERE ...) needs a BOOLEAN, got \(condition.type)", at: f.position)
                    }
                    filterColumn = regular.count + arguments.count
                    arguments.append(condition)
                }
                calls.append(
                    AggregateCall(
                        function: function, argument: argument, argumentType: argumentType, distinct: c.distinct, filter: filterColumn,
                        resultType: AggregateCall.resultType(function, argumentType), text: node.description))
                callTexts.append(node.description)
            }
        }
        for item in select.items {
            if case .star(_, let p) = item.expression { throw SQLError("'*' cannot be selected with GROUP BY or aggregates", at: p) }
            try collect(item.expression)
        }
        if let having = select.having { try collect(having) }

        let regularKeys = regular.map { keys[$0] }
        // Each GROUP BY key's column and each call's column in the aggregation's output.
        var keyColumn: [Int] = Array(repeating: 0, count: keys.count)
        for (position, k) in regular.enumerated() { keyColumn[k] = position }
        let aggregate: LogicalPlan
        let firstCall: Int
        if let window {
            let width = window.base.schema.columns.count
            for a in arguments {
                var read: [Int: Set<Int>?] = [:]
                a.reads(into: &read)
                if read.keys.contains(where: { $0 >= width }) { throw SQLError("an aggregate cannot read the window columns", at: select.position) }
            }
            for (k, w) in windowKeys { keyColumn[k] = regular.count + w }
            let time = window.base.schema.columns[window.spec.timeColumn]
            let preProjections = regularKeys + arguments + [.column(window.spec.timeColumn, time.type, name: time.name)]
            let pre = window.base.calc(
                preProjections, filter: filter,
                schema: RelSchema(columns: preProjections.enumerated().map { RelColumn(name: "$f\($0)", type: $1.type, qualifier: nil) }))
            let timestamp = SQLDataType.timestamp(precision: 3)
            let columns =
                regular.map { RelColumn(name: keyNames[$0], type: keys[$0].type, qualifier: nil) }
                + ["window_start", "window_end", "window_time"].map { RelColumn(name: $0, type: timestamp, qualifier: nil) }
                + calls.enumerated().map { RelColumn(name: "$a\($0)", type: $1.resultType, qualifier: nil) }
            aggregate = .windowAggregate(
                input: pre, groupCount: regular.count, calls: calls, window: window.spec, rowtime: preProjections.count - 1,
                schema: RelSchema(columns: columns))
            firstCall = regular.count + 3
        } else {
            let preProjections = keys + arguments
            // Over a Top-N, the row number is left out unless a key or argument reads it.
            let pre = Self.prunedRankNumber(
                input.calc(
                    preProjections, filter: filter,
                    schema: RelSchema(columns: preProjections.enumerated().map { RelColumn(name: "$f\($0)", type: $1.type, qualifier: nil) })))
            let aggregateColumns =
                zip(keyNames, keys).map { RelColumn(name: $0, type: $1.type, qualifier: nil) }
                + calls.enumerated().map { RelColumn(name: "$a\($0)", type: $1.resultType, qualifier: nil) }
            aggregate = .aggregate(input: pre, groupCount: keys.count, calls: calls, schema: RelSchema(columns: aggregateColumns))
            firstCall = keys.count
        }

        // The select list and HAVING over the keys and results (`$c<column>`).
        let scope = RelSchema(columns: aggregate.schema.columns.enumerated().map { RelColumn(name: "$c\($0)", type: $1.type, qualifier: nil) })
        func overAggregate(_ e: SQLExpression) throws -> TypedExpression {
            let replaced = e.rewritten { node in
                if let k = keyTexts.firstIndex(of: node.description) { return .identifier(["$c\(keyColumn[k])"], node.position) }
                if let spec = groupWindow, case .call(let c) = node, c.name.hasPrefix(spec.kind.rawValue + "_"),
                    let which = ["START", "END", "ROWTIME"].firstIndex(of: String(c.name.dropFirst(spec.kind.rawValue.count + 1)))
                {
                    return .identifier(["$c\(regular.count + which)"], node.position)
                }
                if Self.isAggregateCall(node) != nil, let a = callTexts.firstIndex(of: node.description) {
                    return .identifier(["$c\(firstCall + a)"], node.position)
                }
                return nil
            }
            try replaced.visit { node in
                if case .identifier(let parts, let p) = node, !(parts.first ?? "").hasPrefix("$") {
                    throw SQLError(
                        "column '\(parts.joined(separator: "."))' is neither grouped nor aggregated: add it to GROUP BY or use it in an aggregate function",
                        at: p)
                }
            }
            return try ExpressionAnalyzer(schema: scope).analyze(replaced)
        }
        var projections: [TypedExpression] = [], columns: [RelColumn] = []
        for item in select.items {
            let e = try overAggregate(item.expression)
            projections.append(e)
            columns.append(RelColumn(name: item.alias ?? Self.defaultName(item.expression, index: columns.count), type: e.type, qualifier: nil))
        }
        var having: TypedExpression?
        if let h = select.having {
            let condition = try overAggregate(h)
            guard condition.type == .boolean else { throw SQLError("HAVING needs a BOOLEAN condition, got \(condition.type)", at: h.position) }
            having = condition
        }
        // The references carry the aggregation's column names (`$cN` only named them for analysis).
        let named = aggregate.schema.columns.enumerated().map { TypedExpression.column($0, $1.type, name: $1.name) }
        return aggregate.calc(
            projections.map { $0.substituting(named) }, filter: having?.substituting(named), schema: RelSchema(columns: Self.uniqueNames(columns)))
    }
}
