// Turns a logical plan into DataStream operators over row batches.

import Foundation
import RivuletCore
import RivuletRuntime

/// Flink SQL's watermark: the largest value of the WATERMARK expression seen, that is the
/// largest rowtime minus the declared delay (the DataStream strategy subtracts one more ms).
struct SQLWatermarks: WatermarkGenerator {
    let delay: Int64
    var maxSeen = Int64.min

    mutating func onEvent(timestamp: Int64, output: inout WatermarkOutput) {
        if timestamp > maxSeen { maxSeen = timestamp }
    }

    mutating func onPeriodicEmit(output: inout WatermarkOutput) {
        if maxSeen > Int64.min + delay { output.emitWatermark(maxSeen - delay) }
    }
}

/// Adds a plan's operators to an environment. Operators get uids from `uidPrefix` and their
/// place in the plan, so the same script gives the same uids (savepoints restore by them).
struct StreamTranslator {
    let env: StreamExecutionEnvironment
    let connectors: TableConnectors
    let configuration: [String: String]
    /// The SQL layer's settings (`table.*`), such as `table.exec.state.ttl`.
    let tableSettings: [String: String]
    let uidPrefix: String
    var next = 0

    mutating func uid(_ kind: String) -> String {
        next += 1
        return "\(uidPrefix)-\(next)-\(kind)"
    }

    mutating func translate(_ plan: LogicalPlan) throws -> DataStream<RowBatch> {
        switch plan {
        case .scan(let scan): return try self.scan(scan)
        case .calc(let input, let projections, let filter, _):
            let stream = try translate(input)
            guard let out = try Self.calc(stream, projections: projections, filter: filter, inputWidth: input.schema.columns.count) else {
                return stream
            }
            return out.name(Self.calcName(plan)).uid(uid("calc"))
        case .unionAll(let inputs, _):
            let streams = try inputs.map { try translate($0) }
            return streams[0].union(contentsOf: Array(streams.dropFirst()))
        case .windowTable(let input, let window, _):
            return try windowRows(try translate(input), window: window)
        case .windowAggregate(let input, let groupCount, let calls, let window, let rowtime, let schema):
            return try windowAggregate(plan, input: input, groupCount: groupCount, calls: calls, window: window, rowtime: rowtime, schema: schema)
        case .aggregate(let input, let groupCount, let calls, let schema):
            let stream = try translate(input)
            let retracting = input.isUpdating
            let types = schema.types
            let ttl = try stateTTL()
            return rowsByKey(stream, keys: Array(0..<groupCount))
                .process { GroupAggregateFunction(calls: calls, outputTypes: types, ttl: ttl, retracting: retracting) }
                .name(Self.calcName(plan)).uid(uid("aggregate"))
        case .rowNumber(_, let rank, _): throw rank.unbounded
        case .rank(let input, let rank, let schema):
            let stream = try translate(input)
            let types = schema.types
            let ttl = try stateTTL()
            let keyed = rowsByKey(stream, keys: rank.partitionKeys)
            guard case .deduplicate(let deduplication) = rank.strategy else {
                return keyed.process { TopNFunction(rank: rank, outputTypes: types, ttl: ttl) }.name(Self.calcName(plan)).uid(uid("rank"))
            }
            let rowtime = rank.orderKeys[0].column
            return keyed.process { DeduplicateFunction(deduplication, rowtime: rowtime, outputTypes: types, ttl: ttl) }
                .name(Self.calcName(plan)).uid(uid("deduplicate"))
        }
    }

    /// `table.exec.state.ttl`: how long the state of an idle key is kept (nil: for ever).
    func stateTTL() throws -> StateTtlConfig? {
        guard let text = tableSettings["table.exec.state.ttl"] else { return nil }
        guard let millis = Self.milliseconds(text) else {
            throw SQLError(
                "'table.exec.state.ttl' must be a duration such as '1 h', '30 min' or '3600000' (ms), got '\(text)'",
                at: SourcePosition(line: 1, column: 1))
        }
        return millis > 0 ? StateTtlConfig(ttl: .milliseconds(millis)) : nil
    }

    /// One record per row, keyed by the values of its columns `keys`: what crosses the keyed
    /// exchange of an aggregation or Top-N (which emit row batches again).
    mutating func rowsByKey(_ stream: DataStream<RowBatch>, keys: [Int]) -> KeyedStream<SQLRow, SQLKey> {
        let prefix = keys == Array(keys.indices)
        return stream.flatMap { (batch: RowBatch, out: Collector<SQLRow>) in
            for i in 0..<batch.count { try out.collect(batch.row(i)) }
        }.name("Exchange rows").uid(uid("rows")).keyBy { row in
            prefix ? SQLKey(Array(row.values.prefix(keys.count))) : SQLKey(keys.map { row.values[$0] })
        }
    }

    mutating func windowAggregate(
        _ plan: LogicalPlan, input: LogicalPlan, groupCount: Int, calls: [AggregateCall], window: WindowSpec, rowtime: Int, schema: RelSchema
    ) throws -> DataStream<RowBatch> {
        let stream = try translate(input)
        let types = schema.types
        let name = Self.calcName(plan)
        let aggregates = WindowAggregates(calls: calls), emitter = WindowRowEmitter(types: types)
        /// The engine's window operator with `assigner` over the keyed rows.
        func aggregated<A: WindowAssigner>(_ keyed: KeyedStream<SQLRow, SQLKey>, _ assigner: A, uid: String) -> DataStream<RowBatch>
        where A.W == TimeWindow {
            keyed.window(assigner).aggregate(aggregates, emitter).name(name).uid(uid)
        }
        if window.processingTime {
            let keyed = rowsByKey(stream, keys: Array(0..<groupCount))
            switch window.kind {
            case .tumble: return aggregated(keyed, try TumblingProcessingTimeWindows(sizeMillis: window.sizeMillis), uid: uid("window"))
            case .hop:
                return aggregated(
                    keyed, try SlidingProcessingTimeWindows(sizeMillis: window.sizeMillis, slideMillis: window.slideMillis), uid: uid("window"))
            case .session: return aggregated(keyed, try ProcessingTimeSessionWindows(gapMillis: window.sizeMillis), uid: uid("window"))
            case .cumulate: throw SQLError("CUMULATE over processing time is not supported yet", at: SourcePosition(line: 1, column: 1))
            }
        }
        let rows: DataStream<SQLRow> = stream.transform(
            "Rows with event time",
            { ctx, out in RowsWithTimestamps(rowtime: rowtime, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName) },
            outputType: RecordType(SQLRow.self)
        ).uid(uid("rows"))
        let keyed = rows.keyBy { SQLKey(Array($0.values.prefix(groupCount))) }
        switch window.kind {
        case .tumble: return aggregated(keyed, try TumblingEventTimeWindows(sizeMillis: window.sizeMillis), uid: uid("window"))
        case .hop:
            return aggregated(keyed, try SlidingEventTimeWindows(sizeMillis: window.sizeMillis, slideMillis: window.slideMillis), uid: uid("window"))
        case .session: return aggregated(keyed, try EventTimeSessionWindows(gapMillis: window.sizeMillis), uid: uid("window"))
        case .cumulate:
            return aggregated(
                keyed, try CumulativeEventTimeWindows(stepMillis: window.slideMillis, maxSizeMillis: window.sizeMillis), uid: uid("window"))
        }
    }

    /// The rows of a window table function: each row once per window its time falls in, with
    /// window_start, window_end and window_time after its columns (Flink's
    /// WindowTableFunction: stateless, no row dropped as late).
    mutating func windowRows(_ stream: DataStream<RowBatch>, window: WindowSpec) throws -> DataStream<RowBatch> {
        /// The windows of a row's time, by `assigner` (specialised per assigner type).
        func assignment<A: WindowAssigner>(_ assigner: A) -> @Sendable (Int64, (TimeWindow) -> Void) -> Void where A.W == TimeWindow {
            { assigner.assignWindows(timestamp: $0, currentProcessingTime: 0, $1) }
        }
        let assign: @Sendable (Int64, (TimeWindow) -> Void) -> Void
        switch window.kind {
        case .tumble: assign = assignment(try TumblingEventTimeWindows(sizeMillis: window.sizeMillis))
        case .hop: assign = assignment(try SlidingEventTimeWindows(sizeMillis: window.sizeMillis, slideMillis: window.slideMillis))
        case .cumulate: assign = assignment(try CumulativeEventTimeWindows(stepMillis: window.slideMillis, maxSizeMillis: window.sizeMillis))
        case .session:
            throw SQLError(
                "the rows of SESSION(...) can only be aggregated yet: GROUP BY window_start, window_end", at: SourcePosition(line: 1, column: 1))
        }
        let time = window.timeColumn
        return stream.flatMap { (batch: RowBatch, out: Collector<RowBatch>) in
            guard case .int(let times) = batch.columns[time].storage else { return }
            let valid = batch.columns[time].validity
            var indices: [Int] = [], starts: [Int64] = [], ends: [Int64] = []
            indices.reserveCapacity(batch.count)
            for i in 0..<batch.count where valid?[i] ?? true {
                assign(times[i]) { w in
                    indices.append(i)
                    starts.append(w.start)
                    ends.append(w.end)
                }
            }
            guard !indices.isEmpty else { return }
            let rows = batch.gather(indices)
            try out.collect(
                RowBatch(columns: rows.columns + [.ints(starts), .ints(ends), .ints(ends.map { $0 - 1 })], count: indices.count, kinds: rows.kinds))
        }.name("WindowTableFunction(\(window))").uid(uid("window-table"))
    }

    /// A duration as Flink writes one (`1 h`, `30 min`, `10 s`, `500 ms`, `1 d`, or milliseconds).
    static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let n = Int64(digits) else { return nil }
        let units: [String: Int64] = [
            "": 1, "ms": 1, "milli": 1, "millis": 1, "s": 1000, "sec": 1000, "second": 1000, "seconds": 1000, "min": 60_000, "minute": 60_000,
            "minutes": 60_000, "h": 3_600_000, "hour": 3_600_000, "hours": 3_600_000, "d": 86_400_000, "day": 86_400_000, "days": 86_400_000,
        ]
        guard let unit = units[trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)] else { return nil }
        return n * unit
    }

    static func calcName(_ plan: LogicalPlan) -> String {
        plan.explain().split(separator: "\n").first.map(String.init)?.trimmingPrefixSpaces ?? "Calc"
    }

    /// The Calc operator, or nil when it would pass batches through unchanged.
    static func calc(
        _ stream: DataStream<RowBatch>, projections: [TypedExpression], filter: TypedExpression?, inputWidth: Int
    ) throws
        -> DataStream<RowBatch>?
    {
        let identity =
            filter == nil && projections.count == inputWidth
            && projections.enumerated().allSatisfy { i, e in
                if case .column(let c, _, _) = e { return c == i }
                return false
            }
        if identity { return nil }
        let evaluators = try projections.map { try ExpressionCompiler.compile($0) }
        let predicate = try filter.map { try ExpressionCompiler.compile($0) }
        // The rows that pass are gathered in the columns the projections read only.
        var read: [Int: Set<Int>?] = [:]
        for p in projections { p.reads(into: &read) }
        let projected = read
        return stream.flatMap { (batch: RowBatch, out: Collector<RowBatch>) in
            var rows = batch
            if let predicate {
                let mask = try predicate(batch)
                guard let selected = Self.selected(mask, count: batch.count) else { return }
                if selected.count < batch.count { rows = batch.pruned(to: projected).gather(selected) }
            }
            try out.collect(RowBatch(columns: try evaluators.map { try $0(rows) }, count: rows.count, kinds: rows.kinds))
        }
    }

    /// The rows where `mask` is TRUE (not FALSE or NULL); nil when there is none.
    static func selected(_ mask: ColumnVector, count: Int) -> [Int]? {
        guard case .bool(let values) = mask.storage else { return nil }
        var rows = [Int]()
        rows.reserveCapacity(count)
        if let valid = mask.validity {
            for i in 0..<count where values[i] && valid[i] { rows.append(i) }
        } else {
            for i in 0..<count where values[i] { rows.append(i) }
        }
        return rows.isEmpty ? nil : rows
    }

    mutating func scan(_ scan: TableScan) throws -> DataStream<RowBatch> {
        let connector = try connectors.connector(for: scan.table)
        let read = scan.readColumns ?? Dictionary(uniqueKeysWithValues: scan.table.physicalColumns.indices.map { ($0, Set<Int>?.none) })
        let context = TableSourceContext(
            table: scan.table, readColumns: read, equalities: scan.equalities, uid: uid("source"), configuration: configuration)
        var stream = try connector.source(context, in: env)
        let physicalWidth = scan.table.physicalColumns.count
        let columns = scan.columns.enumerated().map { i, e -> TypedExpression in
            if case .column = e { return e }
            return scan.neededColumns.map { $0.contains(i) } ?? true ? e : .literal(.null, e.type)
        }
        // Computed columns nobody reads, after the physical ones: no Calc at all (the operators
        // above never look at those columns).
        let unread = columns.indices.filter { i in
            if case .literal(.null, _) = columns[i], scan.columns[i].isComputed { return true }
            return false
        }
        let trailingOnly = unread.count == scan.columns.filter(\.isComputed).count && unread.allSatisfy { $0 >= physicalWidth }
        if !trailingOnly, let computed = try Self.calc(stream, projections: columns, filter: nil, inputWidth: physicalWidth) {
            stream = computed.name("Calc(computed columns of \(scan.table.name))").uid(uid("computed"))
        }
        if let rowtime = scan.schema.rowtime, let delay = scan.watermarkDelay {
            let strategy = WatermarkStrategy<RowBatch>(
                makeGenerator: { SQLWatermarks(delay: delay) }, timestampAssigner: { batch, _ in batch.maxInt(column: rowtime) })
            stream = stream.assignTimestampsAndWatermarks(strategy)
                .name(
                    "WatermarkAssigner(rowtime=[\(scan.schema.columns[rowtime].name)], watermark=[\(scan.schema.columns[rowtime].name) - \(delay)ms])"
                )
                .uid(uid("watermarks"))
        }
        return stream
    }
}

extension String {
    var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
