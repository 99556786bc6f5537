// GROUP BY window_start, window_end of a window table function: the engine's window operator
// aggregates each window and emits its row once the watermark passes the window's end.

import RivuletCore
import RivuletRuntime

/// The accumulators of one group in one window (or slice). A DISTINCT call keeps its values
/// here (a window's state ends with the window) and computes its result from them.
public struct WindowAccumulator: Sendable, BinaryCodable {
    var accumulators: [AggregateAccumulator]
    var distinct: [[ScalarValue]]

    public func encode(to writer: inout BinaryWriter) {
        accumulators.encode(to: &writer)
        distinct.encode(to: &writer)
    }

    public init(from reader: inout BinaryReader) throws {
        accumulators = try [AggregateAccumulator](from: &reader)
        distinct = try [[ScalarValue]](from: &reader)
    }

    init(calls: Int) {
        accumulators = Array(repeating: AggregateAccumulator(), count: calls)
        distinct = Array(repeating: [], count: calls)
    }
}

/// Flink's window aggregation as an `AggregateFunction` of the engine's window operator.
struct WindowAggregates: AggregateFunction {
    let calls: [AggregateCall]

    func createAccumulator() -> WindowAccumulator { WindowAccumulator(calls: calls.count) }

    func add(_ row: SQLRow, to acc: inout WindowAccumulator) throws {
        for (i, call) in calls.enumerated() {
            if let f = call.filter, row.values[f] != .bool(true) { continue }
            let value = call.argument.map { row.values[$0] }
            if call.distinct {
                if let value, value != .null, !acc.distinct[i].contains(value) { acc.distinct[i].append(value) }
                continue
            }
            try acc.accumulators[i].add(value, call)
        }
    }

    func merge(_ a: WindowAccumulator, _ b: WindowAccumulator) throws -> WindowAccumulator {
        var out = a
        for (i, call) in calls.enumerated() {
            if call.distinct {
                for v in b.distinct[i] where !out.distinct[i].contains(v) { out.distinct[i].append(v) }
                continue
            }
            let x = a.accumulators[i], y = b.accumulators[i]
            var m = AggregateAccumulator()
            m.count = x.count + y.count
            m.sum = try AggregateAccumulator.plus(x.sum, y.sum, type: call.argumentType)
            switch call.function {
            case .min: m.extreme = x.extreme == .null || (y.extreme != .null && y.extreme.less(than: x.extreme)) ? y.extreme : x.extreme
            case .max: m.extreme = x.extreme == .null || (y.extreme != .null && x.extreme.less(than: y.extreme)) ? y.extreme : x.extreme
            default: break
            }
            out.accumulators[i] = m
        }
        return out
    }

    func result(_ acc: WindowAccumulator) throws -> [ScalarValue] {
        try calls.enumerated().map { i, call in
            guard call.distinct else { return acc.accumulators[i].result(call) }
            var a = AggregateAccumulator()
            for v in acc.distinct[i] { try a.add(v, call) }
            return a.result(call)
        }
    }
}

/// Emits a fired window's row: the group's key, window_start, window_end, then the results.
struct WindowRowEmitter: ProcessWindowFunction {
    typealias Input = [ScalarValue]
    typealias Output = RowBatch
    typealias Key = SQLKey
    typealias W = TimeWindow
    let types: [SQLDataType]

    func process(key: SQLKey, context: WindowContext<TimeWindow>, elements: [[ScalarValue]], out: Collector<RowBatch>) throws {
        for results in elements {
            let row = key.values + [.int(context.window.start), .int(context.window.end), .int(context.window.end - 1)] + results
            try out.collect(.of([SQLRow(values: row)], types: types))
        }
    }
}

/// Emits each row of a batch as a record with its event time (from `rowtime`), keeping the
/// watermarks: what the window operator needs in front of it.
final class RowsWithTimestamps: OneInputStreamOperator {
    let output: Output<SQLRow>
    let rowtime: Int

    init(rowtime: Int, output: Output<SQLRow>) {
        self.rowtime = rowtime
        self.output = output
    }

    func processElement(_ batch: RowBatch, timestamp: Int64) throws {
        for i in 0..<batch.count {
            let row = batch.row(i)
            guard case .int(let t) = row.values[rowtime] else { continue }
            try output.record(row, t)
        }
    }
}
