// GROUP BY without windows: per key, the aggregates so far, emitted as a changelog.

import RivuletCore
import RivuletRuntime

/// Flink's GroupAggFunction: for each input row, updates its group's accumulators (keyed
/// state, in the configured backend, with `table.exec.state.ttl` as the state's time to live)
/// and emits the change of the group's result row: `+I` for a group's first row, then `-U`
/// (the old row) and `+U` (the new one); nothing when the result did not change. Over an
/// updating input (`retracting`), `-U` and `-D` rows are taken back, the group's rows are
/// counted, and a group left without rows emits `-D` of its last result and is forgotten.
struct GroupAggregateFunction: KeyedProcessFunction {
    typealias Key = SQLKey
    typealias Input = SQLRow
    typealias Output = RowBatch

    let calls: [AggregateCall]
    let outputTypes: [SQLDataType]
    let ttl: StateTtlConfig?
    /// Whether the input retracts rows: the state then ends with the group's row count.
    let retracting: Bool
    var state: ValueState<[AggregateAccumulator]>?
    /// The values each DISTINCT call has seen, per group: (call, value) -> true.
    var seen: MapState<SQLKey, Bool>?
    /// Over a retracting input, how many rows hold each value of a DISTINCT, MIN or MAX call,
    /// per group: (call, value) -> rows (Flink's MapView of its retracting MIN and MAX).
    var counts: MapState<SQLKey, Int64>?
    /// The changes of the current input batch, emitted together by `finishBatch`.
    var pending: [SQLRow] = []

    init(calls: [AggregateCall], outputTypes: [SQLDataType], ttl: StateTtlConfig?, retracting: Bool = false) {
        self.calls = calls
        self.outputTypes = outputTypes
        self.ttl = ttl
        self.retracting = retracting
    }

    mutating func open(_ context: KeyedRuntimeContext<SQLKey>) throws {
        state = try context.valueState(ValueStateDescriptor<[AggregateAccumulator]>("sql-group-aggregate", ttl: ttl))
        if retracting {
            if calls.contains(where: { $0.distinct || $0.function == .min || $0.function == .max }) {
                counts = try context.mapState(MapStateDescriptor<SQLKey, Int64>("sql-group-values", ttl: ttl))
            }
        } else if calls.contains(where: \.distinct) {
            seen = try context.mapState(MapStateDescriptor<SQLKey, Bool>("sql-group-distinct", ttl: ttl))
        }
    }

    /// Adds or takes back a value of a DISTINCT, MIN or MAX call over a retracting input,
    /// counting the rows that hold it.
    func countValue(_ value: ScalarValue, retract: Bool, call i: Int, into accumulator: inout AggregateAccumulator) throws {
        guard let counts else { return }
        let call = calls[i]
        let entry = SQLKey([.int(Int64(i)), value])
        let n = try counts.get(entry) ?? 0
        if !retract {
            try counts.put(entry, n + 1)
            if call.distinct && n > 0 { return }
            try accumulator.add(value, call)
            return
        }
        guard n > 0 else { return }
        if n == 1 { try counts.remove(entry) } else { try counts.put(entry, n - 1) }
        if call.distinct && n > 1 { return }
        guard call.function == .min || call.function == .max else {
            try accumulator.retract(value, call)
            return
        }
        accumulator.count -= 1
        if accumulator.count == 0 {
            accumulator.extreme = .null
        } else if n == 1 && value == accumulator.extreme {
            // The extreme's last row is gone: the next one among the values left.
            let left = try counts.entries().compactMap { key, _ in key.values.first == .int(Int64(i)) ? key.values.last : nil }
            accumulator.extreme =
                left.reduce(ScalarValue.null) { best, v in
                    if best == .null { return v }
                    return (call.function == .min ? v.less(than: best) : best.less(than: v)) ? v : best
                }
        }
    }

    mutating func processElement(_ row: SQLRow, _ context: KeyedContext<SQLKey>, _ out: Collector<RowBatch>) throws {
        guard let state else { return }
        let retract = row.kind == .updateBefore || row.kind == .delete
        if retract && !retracting { throw SQLRuntimeError("an aggregation planned for an insert-only input got a retraction") }
        let key = try context.currentKey
        let previous = try state.value()
        // A retraction of a group without state takes back nothing (as Flink).
        if retract && previous == nil { return }
        var accumulators = previous ?? Array(repeating: AggregateAccumulator(), count: calls.count + (retracting ? 1 : 0))
        for (i, call) in calls.enumerated() {
            if let f = call.filter, row.values[f] != .bool(true) { continue }
            let value = call.argument.map { row.values[$0] }
            if counts != nil, let value, value != .null, call.distinct || call.function == .min || call.function == .max {
                try countValue(value, retract: retract, call: i, into: &accumulators[i])
                continue
            }
            if retract {
                try accumulators[i].retract(value, call)
                continue
            }
            if call.distinct, let seen, let value {
                guard value != .null else { continue }
                let entry = SQLKey([.int(Int64(i)), value])
                if try seen.contains(entry) { continue }
                try seen.put(entry, true)
            }
            try accumulators[i].add(value, call)
        }
        if retracting {
            accumulators[calls.count].count += retract ? -1 : 1
            if accumulators[calls.count].count <= 0 {
                // Every row of the group was taken back.
                try state.clear()
                if let previous {
                    pending.append(SQLRow(values: key.values + zip(previous, calls).map { $0.result($1) }, kind: .delete))
                }
                return
            }
        }
        try state.update(accumulators)
        let after = zip(accumulators, calls).map { $0.result($1) }
        guard let previous else {
            pending.append(SQLRow(values: key.values + after, kind: .insert))
            return
        }
        let before = zip(previous, calls).map { $0.result($1) }
        if before == after { return }
        pending.append(SQLRow(values: key.values + before, kind: .updateBefore))
        pending.append(SQLRow(values: key.values + after, kind: .updateAfter))
    }

    /// The changes of the input batch as one row batch.
    mutating func finishBatch(_ out: Collector<RowBatch>) throws {
        guard !pending.isEmpty else { return }
        try out.collect(.of(pending, types: outputTypes))
        pending.removeAll(keepingCapacity: true)
    }

}
