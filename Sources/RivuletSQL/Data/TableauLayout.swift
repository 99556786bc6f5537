// Rows as a bordered text table, as Flink's SQL client shows a query's changelog in its
// tableau result mode.

/// The columns of a tableau: an `op` column with the row kind (`+I`, `-U`, `+U`, `-D`), then
/// one column per output column, each as wide as its name or its type's values (at most
/// `maxColumnWidth`; a longer value is cut and ends in `...`). Values are right-aligned and
/// NULL is `<NULL>`, as in Flink.
public struct TableauLayout: Sendable {
    public let names: [String]
    public let types: [SQLDataType]
    public let widths: [Int]
    public static let maxColumnWidth = 30

    public init(names: [String], types: [SQLDataType]) {
        self.names = names
        self.types = types
        widths = zip(names, types).map { name, type in max(name.count, min(Self.width(of: type), Self.maxColumnWidth)) }
    }

    /// The widest value of a type, as printed.
    static func width(of type: SQLDataType) -> Int {
        switch type {
        case .boolean: return 6
        case .tinyint: return 4
        case .smallint: return 6
        case .int: return 11
        case .bigint: return 20
        case .float, .double: return 24
        case .decimal(let p, let s): return p + (s > 0 ? 2 : 1)
        case .timestamp, .timestampLTZ: return 23
        case .null: return 6
        default: return maxColumnWidth
        }
    }

    /// `+----+-----+`: the line above and below the header and at the end.
    public var border: String { "+----+" + widths.map { String(repeating: "-", count: $0 + 2) + "+" }.joined() }

    /// The border, the column names and the border again.
    public var header: String { border + "\n" + line("op", names) + "\n" + border }

    /// The last lines, once the query has ended.
    public func footer(rows: Int) -> String { border + "\nReceived a total of \(rows) row\(rows == 1 ? "" : "s")" }

    /// Row `i` of a batch as a line of the table.
    public func row(_ batch: RowBatch, _ i: Int) -> String {
        line(
            batch.kind(i).shortString,
            batch.columns.indices.map { c in
                batch.columns[c].isNull(i) ? "<NULL>" : ValueText.format(batch.columns[c], i, type: types[c], style: .print)
            })
    }

    func line(_ op: String, _ values: [String]) -> String {
        "| " + op + " |" + zip(values, widths).map { value, width in " " + Self.fit(value, width) + " |" }.joined()
    }

    /// `value` right-aligned in `width` characters, cut to end in `...` when longer.
    static func fit(_ value: String, _ width: Int) -> String {
        let text = value.count > width ? String(value.prefix(max(width - 3, 0))) + "..." : value
        return String(repeating: " ", count: max(width - text.count, 0)) + text
    }
}
