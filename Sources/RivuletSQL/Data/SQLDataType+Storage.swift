// How each SQL type is stored in a column vector, and the type classes the planner checks.

/// The storage of a type's values in a `ColumnVector`.
public indirect enum PhysicalKind: Sendable, Equatable {
    case bool, int, double, string
    case row([PhysicalKind])
}

extension SQLDataType {
    /// The largest DECIMAL precision a column holds: values are 64-bit unscaled integers.
    public static let maxStoredDecimalDigits = 18

    /// How values of this type are stored; nil for the types Rivulet does not run yet.
    public var physicalKind: PhysicalKind? {
        switch self {
        case .boolean: return .bool
        case .tinyint, .smallint, .int, .bigint, .decimal, .timestamp, .timestampLTZ, .interval: return .int
        case .float, .double: return .double
        case .varchar: return .string
        case .row(let fields):
            var kinds: [PhysicalKind] = []
            for f in fields {
                guard let k = f.type.physicalKind else { return nil }
                kinds.append(k)
            }
            return .row(kinds)
        case .null: return .int
        case .date, .time, .array, .map: return nil
        }
    }

    /// TINYINT, SMALLINT, INT or BIGINT.
    public var isInteger: Bool {
        switch self {
        case .tinyint, .smallint, .int, .bigint: return true
        default: return false
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .tinyint, .smallint, .int, .bigint, .float, .double, .decimal: return true
        default: return false
        }
    }

    public var isString: Bool {
        if case .varchar = self { return true }
        return false
    }

    public var isTimestamp: Bool {
        switch self {
        case .timestamp, .timestampLTZ: return true
        default: return false
        }
    }

    public var isApproximate: Bool {
        switch self {
        case .float, .double: return true
        default: return false
        }
    }

    /// Digits after the point of a DECIMAL; 0 for the integer types.
    public var scale: Int {
        if case .decimal(_, let s) = self { return s }
        return 0
    }

    /// Total digits: of a DECIMAL, or of the integer types as Flink counts them.
    public var precision: Int {
        switch self {
        case .decimal(let p, _): return p
        case .tinyint: return 3
        case .smallint: return 5
        case .int: return 10
        case .bigint: return 19
        default: return 0
        }
    }

    /// The field names and types of a ROW.
    public var rowFields: [(name: String, type: SQLDataType)]? {
        if case .row(let fields) = self { return fields }
        return nil
    }
}
