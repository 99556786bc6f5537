// Deduplication: ROW_NUMBER() over a time attribute, row 1 only, without its number.

import RivuletCore
import RivuletRuntime

/// Flink's deduplicate functions, one per kind of deduplication, over keyed state in the configured backend:
/// - keep last row (ORDER BY the time attribute DESC): `+I` for a partition's first row, then
///   `-U` (the kept row) and `+U` (the new one) for each row at least as late as the kept one
///   (on processing time, every row);
/// - keep first row on processing time: the first row, `+I`, and nothing after it;
/// - keep first row on event time: insert-only, the row of the smallest rowtime emitted when
///   the watermark passes it; later rows of the partition, and rows behind the watermark, are
///   dropped.
struct DeduplicateFunction: KeyedProcessFunction {
    typealias Key = SQLKey
    typealias Input = SQLRow
    typealias Output = RowBatch

    let deduplication: RankSpec.Deduplication
    /// The rowtime column (event-time deduplication).
    let rowtime: Int
    let outputTypes: [SQLDataType]
    let ttl: StateTtlConfig?
    /// The kept row (keep last), or the row waiting for the watermark (keep first on event time).
    var kept: ValueState<SQLRow>?
    /// Whether the partition's row was emitted (keep first).
    var emitted: ValueState<Bool>?
    /// The rows of the current input batch, emitted together by `finishBatch`.
    var pending: [SQLRow] = []

    init(_ deduplication: RankSpec.Deduplication, rowtime: Int, outputTypes: [SQLDataType], ttl: StateTtlConfig?) {
        self.deduplication = deduplication
        self.rowtime = rowtime
        self.outputTypes = outputTypes
        self.ttl = ttl
    }

    mutating func open(_ context: KeyedRuntimeContext<SQLKey>) throws {
        if deduplication.keepLastRow {
            kept = try context.valueState(ValueStateDescriptor<SQLRow>("sql-deduplicate-last", ttl: ttl))
            return
        }
        // The waiting row has no TTL: it must stay until its timer fires.
        if !deduplication.processingTime { kept = try context.valueState(ValueStateDescriptor<SQLRow>("sql-deduplicate-waiting")) }
        emitted = try context.valueState(ValueStateDescriptor<Bool>("sql-deduplicate-emitted", ttl: ttl))
    }

    func time(_ row: SQLRow) -> Int64 {
        if case .int(let t) = row.values[rowtime] { return t }
        return .min
    }

    mutating func processElement(_ row: SQLRow, _ context: KeyedContext<SQLKey>, _ out: Collector<RowBatch>) throws {
        guard row.kind == .insert else { throw SQLRuntimeError("deduplication over an updating input is not supported yet") }
        switch (deduplication.keepLastRow, deduplication.processingTime) {
        case (true, let processingTime):
            guard let kept else { return }
            let previous = try kept.value()
            if let previous, !processingTime, time(row) < time(previous) { return }
            try kept.update(row)
            guard let previous else {
                pending.append(row)
                return
            }
            pending.append(SQLRow(values: previous.values, kind: .updateBefore))
            pending.append(SQLRow(values: row.values, kind: .updateAfter))
        case (false, true):
            guard let emitted, try emitted.value() == nil else { return }
            try emitted.update(true)
            pending.append(row)
        case (false, false):
            guard let kept, let emitted else { return }
            let t = time(row)
            if t < context.currentWatermark { return }
            if try emitted.value() == true { return }
            if let waiting = try kept.value() {
                guard t < time(waiting) else { return }
                try context.deleteEventTimeTimer(time(waiting))
            }
            try context.registerEventTimeTimer(t)
            try kept.update(row)
        }
    }

    /// The changes of the input batch as one row batch.
    mutating func finishBatch(_ out: Collector<RowBatch>) throws {
        guard !pending.isEmpty else { return }
        try out.collect(.of(pending, types: outputTypes))
        pending.removeAll(keepingCapacity: true)
    }

    mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<SQLKey>, _ out: Collector<RowBatch>) throws {
        guard let kept, let emitted, let row = try kept.value() else { return }
        try kept.clear()
        try emitted.update(true)
        try out.collect(.of([row], types: outputTypes))
    }
}
