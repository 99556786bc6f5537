// The statements of a SQL script, and the query they are built from.

/// One statement of a script, with where it starts.
public indirect enum SQLStatement: Sendable {
    case createTable(SQLCreateTable)
    /// `CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name AS query`.
    case createView(name: String, query: SQLQuery, ifNotExists: Bool, position: SourcePosition)
    /// `SET 'key' = 'value'`, or `SET` alone (list the settings).
    case set(key: String?, value: String?, position: SourcePosition)
    /// `INSERT INTO table query`.
    case insert(SQLInsert)
    /// `EXECUTE STATEMENT SET BEGIN INSERT ...; ... END`: the inserts run as one job.
    case statementSet([SQLInsert], position: SourcePosition)
    case explain(SQLStatement, position: SourcePosition)
    case showTables(position: SourcePosition)
    case describe(table: String, position: SourcePosition)
    /// A query on its own: its result is shown (the interactive shell) or printed.
    case query(SQLQuery)
}

/// `CREATE TABLE name (columns, WATERMARK ..., PRIMARY KEY (...) NOT ENFORCED) WITH (...)`.
public struct SQLCreateTable: Sendable {
    public var name: String
    public var columns: [SQLColumn]
    /// `WATERMARK FOR column AS expression`.
    public var watermark: (column: String, expression: SQLExpression)?
    public var primaryKey: [String]
    /// The connector options, in the order written.
    public var options: [(key: String, value: String)]
    public var ifNotExists: Bool
    public var position: SourcePosition
}

/// A column of a table: physical (`name TYPE`) or computed (`name AS expression`).
public struct SQLColumn: Sendable {
    public var name: String
    public var type: SQLDataType?
    public var computed: SQLExpression?
    public var notNull: Bool
    public var position: SourcePosition
}

/// `INSERT INTO table [(columns)] query`.
public struct SQLInsert: Sendable {
    public var table: String
    public var columns: [String]
    public var query: SQLQuery
    public var position: SourcePosition
}

/// A query: one SELECT, or SELECTs joined by `UNION ALL`.
public indirect enum SQLQuery: Sendable {
    case select(SQLSelect)
    case unionAll(SQLQuery, SQLQuery)
}

/// One SELECT block.
public struct SQLSelect: Sendable {
    public var distinct: Bool
    public var items: [SQLSelectItem]
    public var from: SQLTableReference
    public var whereClause: SQLExpression?
    public var groupBy: [SQLExpression]
    public var having: SQLExpression?
    public var orderBy: [SQLOrderItem]
    public var limit: Int?
    public var position: SourcePosition
}

/// An expression of the select list and its alias.
public struct SQLSelectItem: Sendable {
    public var expression: SQLExpression
    public var alias: String?
}

/// What a SELECT reads.
public indirect enum SQLTableReference: Sendable {
    /// A table or view by name, with an alias.
    case table(name: String, alias: String?, position: SourcePosition)
    /// `(SELECT ...) [AS] alias`.
    case subquery(SQLQuery, alias: String?, position: SourcePosition)
    /// `TABLE(TUMBLE(TABLE t, DESCRIPTOR(c), INTERVAL ...)) [alias]`: a window table-valued function.
    case tableFunction(SQLFunctionCall, alias: String?, position: SourcePosition)
    /// `a [INNER | LEFT | ...] JOIN b ON condition`, and `a, b`.
    case join(SQLTableReference, SQLTableReference, kind: String, on: SQLExpression?, position: SourcePosition)
}
