// Top-N and deduplication: `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)` filtered on
// the row number, as Flink's Rank node describes it.

/// One key of a Top-N's order: an input column, its direction and where NULLs go.
public struct SortKey: Sendable, CustomStringConvertible {
    public var column: Int
    public var name: String
    public var descending: Bool
    /// NULLs before every value (`NULLS FIRST`). By default NULL is the smallest value, as in
    /// Flink: first in ascending order, last in descending.
    public var nullsFirst: Bool

    public var description: String {
        "\(name) \(descending ? "DESC" : "ASC")\(nullsFirst == descending ? (nullsFirst ? " NULLS FIRST" : " NULLS LAST") : "")"
    }
}

/// How the rows of one partition are ranked, and which ranks are kept.
public struct RankSpec: Sendable {
    /// How the rank runs: Flink's AppendOnlyTopNFunction (or FastTop1Function for rank 1 only),
    /// or one of its deduplications when the order is a single time attribute and only the
    /// first row is kept without its number.
    public enum Strategy: Sendable, Equatable {
        case topN
        case deduplicate(Deduplication)
    }

    /// Which row of a partition a deduplication keeps, by which clock.
    public struct Deduplication: Sendable, Equatable {
        /// ORDER BY the time attribute DESC: each new row replaces the last one (updates).
        /// Else ASC: the first row only, insert-only (on event time, emitted once the watermark
        /// passes it).
        public var keepLastRow: Bool
        public var processingTime: Bool
    }

    public var partitionKeys: [Int]
    public var orderKeys: [SortKey]
    /// The kept row numbers, from 1.
    public var rankStart: Int64 = 1
    public var rankEnd: Int64 = .max
    /// Whether the row number is an output column (after the input's columns).
    public var outputsRankNumber = true
    public var rowNumberName: String
    public var strategy = Strategy.topN
    /// Where ROW_NUMBER() was written, for errors.
    public var position: SourcePosition

    /// The error of row numbers that the query around them does not bound (nothing to run).
    var unbounded: SQLError {
        SQLError(
            "ROW_NUMBER() OVER (...) needs an upper bound on the row number in the WHERE of the query around it (such as \(rowNumberName) <= 10): Top-N; other OVER aggregations are not supported yet",
            at: position)
    }

    /// Whether the output is a changelog (Top-N and keep-last update rows; keep-first only inserts).
    public var isUpdating: Bool {
        if case .deduplicate(let d) = strategy { return d.keepLastRow }
        return true
    }

    func explain(_ input: RelSchema) -> String {
        let keys = partitionKeys.map { input.columns[$0].name }.joined(separator: ", ")
        switch strategy {
        case .deduplicate(let d):
            return
                "Deduplicate(keep=[\(d.keepLastRow ? "LastRow" : "FirstRow")], key=[\(keys)], order=[\(d.processingTime ? "PROCTIME" : "ROWTIME")])"
        case .topN:
            let end = rankEnd == .max ? "unbounded" : String(rankEnd)
            var select = input.names
            if outputsRankNumber { select.append(rowNumberName) }
            return "Rank(rankType=[ROW_NUMBER], rankRange=[rankStart=\(rankStart), rankEnd=\(end)], partitionBy=[\(keys)], "
                + "orderBy=[\(orderKeys.map(\.description).joined(separator: ", "))], select=[\(select.joined(separator: ", "))])"
        }
    }
}
