// Plans Top-N and deduplication: a select item `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY
// ...)` becomes a row-number node, and the WHERE of the query around it, when it bounds the
// row number, turns that node into a Rank (Flink's FlinkLogicalRank).

extension QueryPlanner {
    /// The select item that is a window function call (`... OVER (...)`), if any.
    static func rowNumberItem(_ select: SQLSelect) -> (Int, SQLFunctionCall)? {
        for (i, item) in select.items.enumerated() {
            if case .call(let call) = item.expression, call.over != nil { return (i, call) }
        }
        return nil
    }

    /// The select list with its ROW_NUMBER() item: a Calc computing the other items (and the
    /// partition and order keys that are not among them), the row number after them, and a
    /// Calc putting the columns in the select list's order.
    func planRowNumber(
        _ select: SQLSelect, item index: Int, call: SQLFunctionCall, input: LogicalPlan, filter: TypedExpression?
    ) throws
        -> LogicalPlan
    {
        let p = call.position
        guard call.name == "ROW_NUMBER" else {
            throw SQLError(
                "\(call.name)() OVER (...) is not supported yet: ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...) filtered on the row number (Top-N, deduplication) is",
                at: p)
        }
        guard call.arguments.isEmpty else { throw SQLError("ROW_NUMBER() takes no arguments", at: p) }
        guard let over = call.over, !over.orderBy.isEmpty else { throw SQLError("ROW_NUMBER() OVER (...) needs an ORDER BY", at: p) }
        if select.distinct || Self.aggregates(select) {
            throw SQLError("ROW_NUMBER() OVER (...) in a query that aggregates is not supported yet: rank the rows of a subquery", at: p)
        }
        if case .windowTable(_, let window, _) = input {
            throw SQLError("window Top-N (ROW_NUMBER() over \(window.kind.rawValue)(...)) is not supported yet", at: p)
        }
        if input.isUpdating {
            throw SQLError("Top-N over an updating input (the changelog of an aggregation or a Top-N) is not supported yet", at: p)
        }
        var items = select.items
        items.remove(at: index)
        let analyzer = ExpressionAnalyzer(schema: input.schema)
        let list = try selectList(items, input: input, analyzer: analyzer)
        let before = try selectList(Array(select.items[..<index]), input: input, analyzer: analyzer).projections.count
        var projections = list.projections
        var columns = list.schema.columns
        // A key is a selected column where it is one, else a column of its own after them.
        func column(_ e: SQLExpression) throws -> Int {
            let typed = try analyzer.analyze(e)
            guard typed.type.rowFields == nil else { throw SQLError("a ROW value cannot partition or order rows", at: e.position) }
            if case .column(let c, _, _) = typed,
                let i = projections.firstIndex(where: {
                    if case .column(c, _, _) = $0 { return true }
                    return false
                })
            {
                return i
            }
            projections.append(typed)
            columns.append(RelColumn(name: "$k\(columns.count)", type: typed.type, qualifier: nil))
            return projections.count - 1
        }
        let partition = try over.partitionBy.map(column)
        let order = try over.orderBy.map { o in
            let c = try column(o.expression)
            return SortKey(column: c, name: columns[c].name, descending: o.descending, nullsFirst: o.nullsFirst ?? !o.descending)
        }
        let base = input.calc(
            projections, filter: filter, schema: RelSchema(columns: columns, rowtime: list.schema.rowtime, proctime: list.schema.proctime))
        let name = select.items[index].alias ?? "w0$o0"
        let width = projections.count
        let rank = RankSpec(partitionKeys: partition, orderKeys: order, rowNumberName: name, position: p)
        let numbered = RelSchema(columns: columns + [RelColumn(name: name, type: .bigint, qualifier: nil)])
        // The select list's order: the items before ROW_NUMBER(), its number, the items after.
        let visible = Array(0..<before) + [width] + Array(before..<list.projections.count)
        let schema = RelSchema(columns: Self.uniqueNames(visible.map { numbered.columns[$0] }))
        return LogicalPlan.rowNumber(input: base, rank: rank, schema: numbered).calc(
            visible.map { .column($0, numbered.columns[$0].type, name: numbered.columns[$0].name) }, filter: nil, schema: schema)
    }

    /// Over numbered rows, the Rank a WHERE bounding the row number makes (`rn <= N`, `rn < N`,
    /// `rn = N`, `rn BETWEEN a AND b`), and the rest of the WHERE. Nil when `input` is not
    /// numbered rows.
    static func topN(_ input: LogicalPlan, filter: TypedExpression?) throws -> (LogicalPlan, TypedExpression?)? {
        guard case .calc(.rowNumber(let base, var rank, let numbered), let projections, nil, let schema) = input else { return nil }
        let width = base.schema.columns.count
        guard
            let rn = projections.firstIndex(where: {
                if case .column(width, _, _) = $0 { return true }
                return false
            })
        else { return nil }
        var rest: [TypedExpression] = []
        for conjunct in filter.map(LogicalPlan.conjuncts) ?? [] {
            guard case .call(let op, let args, _) = conjunct, args.count == 2 else {
                rest.append(conjunct)
                continue
            }
            var bound: (ScalarOperator, Int64)?
            if case .column(rn, _, _) = args[0], let n = integer(args[1]) { bound = (op, n) }
            if case .column(rn, _, _) = args[1], let n = integer(args[0]) {
                switch op {
                case .less: bound = (.greater, n)
                case .lessOrEqual: bound = (.greaterOrEqual, n)
                case .greater: bound = (.less, n)
                case .greaterOrEqual: bound = (.lessOrEqual, n)
                default: bound = (op, n)
                }
            }
            switch bound {
            case (.lessOrEqual, let n)?: rank.rankEnd = min(rank.rankEnd, n)
            case (.less, let n)?: rank.rankEnd = min(rank.rankEnd, n - 1)
            case (.equal, let n)?:
                rank.rankStart = max(rank.rankStart, n)
                rank.rankEnd = min(rank.rankEnd, n)
            case (.greaterOrEqual, let n)?: rank.rankStart = max(rank.rankStart, n)
            case (.greater, let n)?: rank.rankStart = max(rank.rankStart, n + 1)
            default: rest.append(conjunct)
            }
        }
        guard rank.rankEnd != .max else {
            throw rank.unbounded
        }
        guard rank.rankStart <= rank.rankEnd, rank.rankEnd >= 1 else {
            throw SQLError("the WHERE keeps no row number (from \(rank.rankStart) to \(rank.rankEnd))", at: rank.position)
        }
        let ranked = LogicalPlan.rank(input: base, rank: rank, schema: numbered)
        let condition = rest.dropFirst().reduce(rest.first) { a, b in a.map { .call(.and, [$0, b], .boolean) } }
        return (.calc(input: ranked, projections: projections, filter: nil, schema: schema), condition)
    }

    /// An integer literal (possibly cast), else nil.
    static func integer(_ e: TypedExpression) -> Int64? {
        switch e {
        case .literal(.int(let n), let type) where type.isInteger: return n
        case .cast(let inner, _): return integer(inner)
        default: return nil
        }
    }

    /// A Rank whose row number nobody above reads leaves it out, as Flink does; with only row
    /// 1 kept, the number is the constant 1. Without the number, a Rank of row 1 ordered by a
    /// time attribute is a deduplication.
    static func prunedRankNumber(_ plan: LogicalPlan) -> LogicalPlan {
        guard case .calc(.rank(let base, var rank, let numbered), var projections, var filter, let schema) = plan, rank.outputsRankNumber else {
            return plan
        }
        let rn = base.schema.columns.count
        var read: [Int: Set<Int>?] = [:]
        for p in projections { p.reads(into: &read) }
        filter?.reads(into: &read)
        if read[rn] != nil {
            guard rank.rankStart == 1 && rank.rankEnd == 1 else { return plan }
            let one =
                base.schema.columns.indices.map { TypedExpression.column($0, base.schema.columns[$0].type, name: base.schema.columns[$0].name) }
                + [.literal(.int(1), .bigint)]
            projections = projections.map { $0.substituting(one) }
            filter = filter?.substituting(one)
        }
        rank.outputsRankNumber = false
        if rank.rankStart == 1, rank.rankEnd == 1, rank.orderKeys.count == 1 {
            let key = rank.orderKeys[0].column
            if key == base.schema.rowtime || key == base.schema.proctime {
                let proctime = key == base.schema.proctime
                rank.strategy = .deduplicate(RankSpec.Deduplication(keepLastRow: rank.orderKeys[0].descending, processingTime: proctime))
            }
        }
        let unnumbered = RelSchema(columns: Array(numbered.columns.dropLast()))
        return .calc(input: .rank(input: base, rank: rank, schema: unnumbered), projections: projections, filter: filter, schema: schema)
    }
}
