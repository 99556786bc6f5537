// The columns a plan node produces: names, types, the table alias that qualifies them, and
// which column is the event-time attribute.

/// One output column of a plan node.
public struct RelColumn: Sendable {
    public var name: String
    public var type: SQLDataType
    /// The table or alias it can be qualified with (`B.price`).
    public var qualifier: String?
}

/// The output of a plan node.
public struct RelSchema: Sendable {
    public var columns: [RelColumn]
    /// The index of the event-time attribute (a column with watermarks), if any.
    public var rowtime: Int?
    /// The index of the processing-time attribute (`PROCTIME()`), if any.
    public var proctime: Int?

    public init(columns: [RelColumn], rowtime: Int? = nil, proctime: Int? = nil) {
        self.columns = columns
        self.rowtime = rowtime
        self.proctime = proctime
    }

    public var names: [String] { columns.map(\.name) }
    public var types: [SQLDataType] { columns.map(\.type) }

    /// The same columns under another qualifier.
    public func qualified(_ qualifier: String?) -> RelSchema {
        RelSchema(columns: columns.map { RelColumn(name: $0.name, type: $0.type, qualifier: qualifier) }, rowtime: rowtime, proctime: proctime)
    }

    /// `name TYPE, ...` as DESCRIBE and EXPLAIN show it.
    public var description: String {
        columns.enumerated().map { i, c in "\(c.name) \(c.type)\(i == rowtime ? " *ROWTIME*" : "")\(i == proctime ? " *PROCTIME*" : "")" }.joined(
            separator: ", ")
    }
}
