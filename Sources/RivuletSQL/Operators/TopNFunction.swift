// Top-N over an insert-only input: per partition, the best rows so far in keyed state, and the
// changes of the kept ranks as a changelog.

import RivuletCore
import RivuletRuntime

/// The order of a Top-N's rows: its keys in turn, each with its direction and NULL placement.
struct RowOrdering: Sendable {
    let keys: [SortKey]

    /// Negative when `a` ranks before `b`, zero when they tie, positive after.
    func compare(_ a: SQLRow, _ b: SQLRow) -> Int {
        for key in keys {
            let x = a.values[key.column], y = b.values[key.column]
            switch (x == .null, y == .null) {
            case (true, true): continue
            case (true, false): return key.nullsFirst ? -1 : 1
            case (false, true): return key.nullsFirst ? 1 : -1
            case (false, false):
                if x.less(than: y) { return key.descending ? 1 : -1 }
                if y.less(than: x) { return key.descending ? -1 : 1 }
            }
        }
        return 0
    }
}

/// Flink's AppendOnlyTopNFunction (FastTop1Function when only row 1 is kept), row for row: a
/// partition keeps the rows within the kept ranks, sorted, ties in arrival order (value
/// state, in the configured backend). A row that ranks within them is inserted and the
/// changes emitted:
/// - with the row number: `-U`/`+U` for each rank whose row changed, `+I` for a rank filled
///   for the first time;
/// - without it: `+I` for the new row and `-D` for the row it pushed out;
/// - for row 1 only: `+I` for the first row, then `-U`/`+U` when a better one comes.
struct TopNFunction: KeyedProcessFunction {
    typealias Key = SQLKey
    typealias Input = SQLRow
    typealias Output = RowBatch

    let rank: RankSpec
    let ordering: RowOrdering
    let outputTypes: [SQLDataType]
    let ttl: StateTtlConfig?
    var state: ValueState<[SQLRow]>?
    /// A change of the output: a kept row (shared, not copied), its row number and its kind.
    typealias Change = (row: SQLRow, number: Int64, kind: RowKind)
    /// The changes of the current input batch, emitted together by `finishBatch`.
    var pending: [Change] = []

    init(rank: RankSpec, outputTypes: [SQLDataType], ttl: StateTtlConfig?) {
        self.rank = rank
        self.ordering = RowOrdering(keys: rank.orderKeys)
        self.outputTypes = outputTypes
        self.ttl = ttl
    }

    mutating func open(_ context: KeyedRuntimeContext<SQLKey>) throws {
        state = try context.valueState(ValueStateDescriptor<[SQLRow]>("sql-top-n", ttl: ttl))
    }

    mutating func processElement(_ row: SQLRow, _ context: KeyedContext<SQLKey>, _ out: Collector<RowBatch>) throws {
        guard let state else { return }
        guard row.kind == .insert else { throw SQLRuntimeError("Top-N over an updating input is not supported yet") }
        var rows = try state.value() ?? []
        var changes: [Change] = []
        if rank.rankStart == 1 && rank.rankEnd == 1 {
            // Flink's FastTop1Function: the best row, replaced by a strictly better one.
            if let best = rows.first {
                guard ordering.compare(row, best) < 0 else { return }
                changes = [output(best, 1, .updateBefore), output(row, 1, .updateAfter)]
            } else {
                changes = [output(row, 1, .insert)]
            }
            rows = [row]
        } else {
            // Within the buffer's range: better than its worst row, or the buffer not full.
            if let worst = rows.last, ordering.compare(row, worst) >= 0, Int64(rows.count) >= rank.rankEnd { return }
            // After the rows it ties with.
            let position = rows.firstIndex { ordering.compare($0, row) > 0 } ?? rows.count
            rows.insert(row, at: position)
            if rank.outputsRankNumber || rank.rankStart > 1 {
                changes = numberedChanges(&rows, inserted: position)
            } else {
                changes = unnumberedChanges(&rows, inserted: row)
            }
        }
        try state.update(rows)
        pending.append(contentsOf: changes)
    }

    /// The changes of the input batch as one row batch.
    mutating func finishBatch(_ out: Collector<RowBatch>) throws {
        guard !pending.isEmpty else { return }
        try out.collect(
            .of(
                pending.map(\.row), kinds: pending.map(\.kind), numbers: rank.outputsRankNumber ? pending.map(\.number) : nil, types: outputTypes))
        pending.removeAll(keepingCapacity: true)
    }

    /// The row as output: its number goes in the last column when the Top-N outputs it.
    func output(_ row: SQLRow, _ number: Int64, _ kind: RowKind) -> Change { (row, number, kind) }

    func inRange(_ number: Int64) -> Bool { number >= rank.rankStart && number <= rank.rankEnd }

    /// The row inserted at `inserted` moves the rows after it down one rank: each kept rank
    /// from there on is retracted and given its new row, until the last kept rank; rows that
    /// fall beyond the kept ranks (a whole run of ties at a time) leave the buffer.
    func numberedChanges(_ rows: inout [SQLRow], inserted: Int) -> [Change] {
        var changes: [Change] = []
        // Flink walks the runs of tied rows: the runs before the new row's count whole, the new
        // row's run ends with it, and the rows after it shift one by one.
        var number: Int64 = 0
        var index = 0
        var current: SQLRow?
        var found = false
        while index < rows.count && number <= rank.rankEnd {
            var end = index + 1
            while end < rows.count && ordering.compare(rows[end], rows[index]) == 0 { end += 1 }
            if !found && inserted >= index && inserted < end {
                number += Int64(end - index)
                current = rows[inserted]
                found = true
            } else if found, let row = current {
                var shifted = row
                var i = index
                while i < end && number <= rank.rankEnd {
                    let previous = rows[i]
                    if inRange(number) {
                        changes.append(output(previous, number, .updateBefore))
                        changes.append(output(shifted, number, .updateAfter))
                    }
                    shifted = previous
                    number += 1
                    i += 1
                }
                current = shifted
            } else {
                number += Int64(end - index)
            }
            index = end
        }
        if number <= rank.rankEnd, let current, inRange(number) { changes.append(output(current, number, .insert)) }
        rows.removeSubrange(index...)
        return changes
    }

    /// Without row numbers: `+I` for the new row, and `-D` for the last row when the buffer is
    /// over the kept ranks (nothing at all when that is the new row itself).
    func unnumberedChanges(_ rows: inout [SQLRow], inserted row: SQLRow) -> [Change] {
        var changes: [Change] = []
        if Int64(rows.count) > rank.rankEnd {
            let last = rows.removeLast()
            if last == row { return [] }
            changes.append(output(last, 0, .delete))
        }
        changes.append(output(row, 0, .insert))
        return changes
    }
}
