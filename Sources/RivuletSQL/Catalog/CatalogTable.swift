// A table of the catalog: its columns, time attribute and connector options.

/// A column of a table: physical (read from the connector) or computed from the others.
public struct CatalogColumn: Sendable {
    public var name: String
    public var type: SQLDataType
    /// `name AS expression`: computed when the table is read.
    public var computed: SQLExpression?
    public var notNull: Bool
}

/// A table created by `CREATE TABLE`.
public struct CatalogTable: Sendable {
    public var name: String
    public var columns: [CatalogColumn]
    /// The event-time attribute and the watermark's delay behind the largest timestamp seen
    /// (`WATERMARK FOR c AS c - INTERVAL ...`).
    public var watermark: (column: String, delayMillis: Int64)?
    public var primaryKey: [String]
    /// The `WITH` options, in the order written.
    public var options: [(key: String, value: String)]
    public var position: SourcePosition

    /// The value of option `key`.
    public func option(_ key: String) -> String? { options.last { $0.key == key }?.value }

    /// The connector's name (`'connector' = ...`).
    public var connector: String { option("connector") ?? "" }

    /// The columns read from the connector, in order.
    public var physicalColumns: [CatalogColumn] { columns.filter { $0.computed == nil } }
}

/// A view: a named query, planned where it is read.
public struct CatalogView: Sendable {
    public var name: String
    public var query: SQLQuery
    /// The view's columns (known once it was planned at creation).
    public var columns: [(name: String, type: SQLDataType)]
}
