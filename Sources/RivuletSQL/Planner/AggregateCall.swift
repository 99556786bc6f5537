// An aggregate function call of a GROUP BY query, with Flink's result types.

/// `COUNT`, `SUM`, `AVG`, `MIN` or `MAX` over one input column (none for `COUNT(*)`),
/// optionally of distinct values and with a `FILTER (WHERE ...)` column.
public struct AggregateCall: Sendable, CustomStringConvertible {
    public enum Function: String, Sendable {
        case count = "COUNT", sum = "SUM", avg = "AVG", min = "MIN", max = "MAX"
    }

    public var function: Function
    /// The input column of the argument; nil for `COUNT(*)`.
    public var argument: Int?
    public var argumentType: SQLDataType
    public var distinct: Bool
    /// The input column holding the FILTER condition.
    public var filter: Int?
    public var resultType: SQLDataType
    /// As written, for plans.
    public var text: String

    public var description: String { text }

    /// The result type of `function` over `type`, as Flink types it.
    static func resultType(_ function: Function, _ type: SQLDataType) -> SQLDataType {
        switch function {
        case .count: return .bigint
        case .min, .max: return type
        case .sum:
            switch type {
            case .tinyint, .smallint, .int: return .int
            case .decimal(_, let s): return .decimal(precision: 38, scale: s)
            default: return type
            }
        case .avg:
            switch type {
            case .decimal(_, let s): return .decimal(precision: 38, scale: max(s, 6))
            default: return type
            }
        }
    }
}
