// Expressions of Flink SQL as written: literals, columns, operators, function calls, CASE, CAST.

/// An expression, with the position where it starts (for errors about it).
public indirect enum SQLExpression: Sendable, CustomStringConvertible {
    case literal(SQLLiteral, SourcePosition)
    /// A column, maybe qualified (`B.bidder`) or a field of a ROW (`bid.price`).
    case identifier([String], SourcePosition)
    /// `*` or `t.*` in a select list or `COUNT(*)`.
    case star(qualifier: String?, SourcePosition)
    case unary(op: String, SQLExpression, SourcePosition)
    case binary(op: String, SQLExpression, SQLExpression, SourcePosition)
    /// `x IS [NOT] NULL`, `IS [NOT] TRUE` / `FALSE`.
    case isTest(SQLExpression, test: String, negated: Bool, SourcePosition)
    case inList(SQLExpression, [SQLExpression], negated: Bool, SourcePosition)
    case between(SQLExpression, low: SQLExpression, high: SQLExpression, negated: Bool, SourcePosition)
    case like(SQLExpression, pattern: SQLExpression, negated: Bool, SourcePosition)
    /// `CASE [operand] WHEN .. THEN .. [ELSE ..] END`.
    case caseWhen(operand: SQLExpression?, branches: [(when: SQLExpression, then: SQLExpression)], otherwise: SQLExpression?, SourcePosition)
    case cast(SQLExpression, SQLDataType, SourcePosition)
    /// `EXTRACT(unit FROM x)`.
    case extract(unit: String, SQLExpression, SourcePosition)
    /// A function or aggregate call: `COUNT(DISTINCT x) FILTER (WHERE p)`, `ROW_NUMBER() OVER (...)`.
    case call(SQLFunctionCall)
    /// A scalar subquery or the `TABLE t` / `DESCRIPTOR(c)` arguments of a table function.
    /// `TABLE name [PARTITION BY columns]`, an argument of a window table function.
    case tableArgument(String, partitionBy: [String], SourcePosition)
    case descriptor([String], SourcePosition)

    public var position: SourcePosition {
        switch self {
        case .literal(_, let p), .identifier(_, let p), .star(_, let p), .unary(_, _, let p), .binary(_, _, _, let p),
            .isTest(_, _, _, let p), .inList(_, _, _, let p), .between(_, _, _, _, let p), .like(_, _, _, let p),
            .caseWhen(_, _, _, let p), .cast(_, _, let p), .extract(_, _, let p), .tableArgument(_, _, let p), .descriptor(_, let p):
            return p
        case .call(let call): return call.position
        }
    }

    public var description: String {
        switch self {
        case .literal(let l, _): return l.description
        case .identifier(let parts, _): return parts.joined(separator: ".")
        case .star(let q, _): return q.map { "\($0).*" } ?? "*"
        case .unary(let op, let e, _): return op == "NOT" ? "NOT \(e)" : "\(op)\(e)"
        case .binary(let op, let a, let b, _): return "(\(a) \(op) \(b))"
        case .isTest(let e, let test, let negated, _): return "(\(e) IS \(negated ? "NOT " : "")\(test))"
        case .inList(let e, let list, let negated, _):
            return "(\(e) \(negated ? "NOT " : "")IN (\(list.map(\.description).joined(separator: ", "))))"
        case .between(let e, let low, let high, let negated, _): return "(\(e) \(negated ? "NOT " : "")BETWEEN \(low) AND \(high))"
        case .like(let e, let p, let negated, _): return "(\(e) \(negated ? "NOT " : "")LIKE \(p))"
        case .caseWhen(let operand, let branches, let otherwise, _):
            return "CASE" + (operand.map { " \($0)" } ?? "") + branches.map { " WHEN \($0.when) THEN \($0.then)" }.joined()
                + (otherwise.map { " ELSE \($0)" } ?? "") + " END"
        case .cast(let e, let t, _): return "CAST(\(e) AS \(t))"
        case .extract(let unit, let e, _): return "EXTRACT(\(unit) FROM \(e))"
        case .call(let call): return call.description
        case .tableArgument(let name, let partition, _):
            return "TABLE \(name)" + (partition.isEmpty ? "" : " PARTITION BY " + partition.joined(separator: ", "))
        case .descriptor(let columns, _): return "DESCRIPTOR(\(columns.joined(separator: ", ")))"
        }
    }
}

/// A literal value as written.
public enum SQLLiteral: Sendable, Equatable, CustomStringConvertible {
    case null
    case boolean(Bool)
    /// An integer or decimal number, as written (typed by the planner: INT, BIGINT or DECIMAL).
    case number(String)
    case string(String)
    /// `INTERVAL '5' SECOND`, `INTERVAL '1' DAY`: the quantity and the unit (upper case).
    case interval(String, unit: String)
    /// `TIMESTAMP '2024-01-01 00:00:00'`, `DATE '...'`, `TIME '...'`.
    case typed(String, value: String)

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .boolean(let b): return b ? "TRUE" : "FALSE"
        case .number(let n): return n
        case .string(let s): return "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        case .interval(let q, let unit): return "INTERVAL '\(q)' \(unit)"
        case .typed(let type, let value): return "\(type) '\(value)'"
        }
    }
}

/// A call of a scalar function, an aggregate or a window function.
public struct SQLFunctionCall: Sendable, CustomStringConvertible {
    /// The function's name in upper case.
    public var name: String
    public var arguments: [SQLExpression]
    public var distinct: Bool
    /// `FILTER (WHERE ...)` of an aggregate.
    public var filter: SQLExpression?
    /// `OVER (PARTITION BY ... ORDER BY ...)` of a window function.
    public var over: SQLWindowSpec?
    public var position: SourcePosition

    public var description: String {
        var text = "\(name)(\(distinct ? "DISTINCT " : "")\(arguments.map(\.description).joined(separator: ", ")))"
        if let filter { text += " FILTER (WHERE \(filter))" }
        if let over { text += " OVER (\(over))" }
        return text
    }
}

/// `PARTITION BY ... ORDER BY ...` of an OVER clause.
public struct SQLWindowSpec: Sendable, CustomStringConvertible {
    public var partitionBy: [SQLExpression]
    public var orderBy: [SQLOrderItem]

    public var description: String {
        var parts: [String] = []
        if !partitionBy.isEmpty { parts.append("PARTITION BY " + partitionBy.map(\.description).joined(separator: ", ")) }
        if !orderBy.isEmpty { parts.append("ORDER BY " + orderBy.map(\.description).joined(separator: ", ")) }
        return parts.joined(separator: " ")
    }
}

/// One `ORDER BY` key.
public struct SQLOrderItem: Sendable, CustomStringConvertible {
    public var expression: SQLExpression
    public var descending: Bool
    /// `NULLS FIRST` (true) or `NULLS LAST` (false); nil: NULL is the smallest value, as in Flink.
    public var nullsFirst: Bool?

    public init(expression: SQLExpression, descending: Bool, nullsFirst: Bool? = nil) {
        self.expression = expression
        self.descending = descending
        self.nullsFirst = nullsFirst
    }

    public var description: String {
        "\(expression)\(descending ? " DESC" : "")\(nullsFirst.map { $0 ? " NULLS FIRST" : " NULLS LAST" } ?? "")"
    }
}
