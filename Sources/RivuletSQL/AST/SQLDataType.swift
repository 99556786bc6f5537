// The column types of Flink SQL that Rivulet reads.

/// A SQL type as written in DDL or CAST (Flink SQL's logical types).
public indirect enum SQLDataType: Sendable, Equatable, CustomStringConvertible {
    case boolean
    case tinyint, smallint, int, bigint
    case float, double
    case decimal(precision: Int, scale: Int)
    /// VARCHAR(n), or STRING / VARCHAR without a length (nil).
    case varchar(length: Int?)
    case date
    case time
    case timestamp(precision: Int)
    case timestampLTZ(precision: Int)
    /// An interval type, as `INTERVAL DAY TO SECOND` (only in CAST).
    case interval(String)
    case row([(name: String, type: SQLDataType)])
    case array(SQLDataType)
    case map(key: SQLDataType, value: SQLDataType)
    /// The type of an untyped NULL literal (never written in DDL).
    case null

    public static func == (a: SQLDataType, b: SQLDataType) -> Bool { a.description == b.description }

    public var description: String {
        switch self {
        case .boolean: return "BOOLEAN"
        case .tinyint: return "TINYINT"
        case .smallint: return "SMALLINT"
        case .int: return "INT"
        case .bigint: return "BIGINT"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .decimal(let p, let s): return "DECIMAL(\(p), \(s))"
        case .varchar(let n): return n.map { "VARCHAR(\($0))" } ?? "STRING"
        case .date: return "DATE"
        case .time: return "TIME"
        case .timestamp(let p): return "TIMESTAMP(\(p))"
        case .timestampLTZ(let p): return "TIMESTAMP_LTZ(\(p))"
        case .interval(let unit): return "INTERVAL \(unit)"
        case .row(let fields): return "ROW<" + fields.map { "\($0.name) \($0.type)" }.joined(separator: ", ") + ">"
        case .array(let element): return "ARRAY<\(element)>"
        case .map(let k, let v): return "MAP<\(k), \(v)>"
        case .null: return "NULL"
        }
    }
}
