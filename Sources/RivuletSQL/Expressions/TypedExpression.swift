// Expressions after name resolution and type checking: what the vectorised evaluator runs.

/// A constant.
public enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Integers, unscaled decimals, timestamps and intervals (milliseconds).
    case int(Int64)
    case double(Double)
    case string(String)
}

/// The operations of typed expressions. Operands have been cast to one type where the
/// operation needs it (both sides of `+`, of a comparison, the branches of CASE).
public enum ScalarOperator: Sendable, Equatable {
    case add, subtract, multiply, divide, modulo, negate
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case and, or, not
    case isNull, isNotNull, isTrue, isNotTrue, isFalse, isNotFalse
    /// Arguments: condition, result, condition, result, ..., else.
    case caseWhen
    case coalesce
    /// Arguments: the value, then the list.
    case inList(negated: Bool)
    /// Arguments: the value and a literal pattern.
    case like(negated: Bool)
    case concat
    /// A built-in scalar function by its upper-case name (see `ScalarFunctions`).
    case function(String)
}

/// A resolved, typed expression over the columns of an input.
public indirect enum TypedExpression: Sendable, CustomStringConvertible {
    /// Column `index` of the input.
    case column(Int, SQLDataType, name: String)
    /// Field `index` of a ROW value.
    case field(TypedExpression, Int, SQLDataType, name: String)
    case literal(ScalarValue, SQLDataType)
    case call(ScalarOperator, [TypedExpression], SQLDataType)
    case cast(TypedExpression, SQLDataType)

    public var type: SQLDataType {
        switch self {
        case .column(_, let t, _), .field(_, _, let t, _), .literal(_, let t), .call(_, _, let t), .cast(_, let t): return t
        }
    }

    /// The input columns it reads, with the ROW fields read of each (nil: the whole column).
    public func reads(into used: inout [Int: Set<Int>?]) {
        switch self {
        case .column(let i, _, _): used[i] = .some(nil)
        case .field(let base, let f, _, _):
            if case .column(let i, _, _) = base {
                if let existing = used[i] {
                    if var fields = existing {
                        fields.insert(f)
                        used[i] = fields
                    }
                } else {
                    used[i] = [f]
                }
            } else {
                base.reads(into: &used)
            }
        case .literal: break
        case .call(_, let args, _): for a in args { a.reads(into: &used) }
        case .cast(let e, _): e.reads(into: &used)
        }
    }

    /// This expression with each column reference replaced by `inputs[index]` (inlining a
    /// projection below it).
    public func substituting(_ inputs: [TypedExpression]) -> TypedExpression {
        switch self {
        case .column(let i, _, _): return inputs[i]
        case .field(let base, let f, let t, let n): return .field(base.substituting(inputs), f, t, name: n)
        case .literal: return self
        case .call(let op, let args, let t): return .call(op, args.map { $0.substituting(inputs) }, t)
        case .cast(let e, let t): return .cast(e.substituting(inputs), t)
        }
    }

    /// Whether it is more than a column reference (a computed column of a table).
    var isComputed: Bool {
        if case .column = self { return false }
        return true
    }

    /// Whether evaluating it never throws (a column, a field, a constant).
    public var cannotFail: Bool {
        switch self {
        case .column, .literal: return true
        case .field(let base, _, _, _): return base.cannotFail
        default: return false
        }
    }

    /// Whether evaluating it gives the same value for every row of every batch (no column,
    /// no clock).
    public var isConstant: Bool {
        switch self {
        case .column: return false
        case .field(let base, _, _, _): return base.isConstant
        case .literal: return true
        case .call(let op, let args, _):
            if case .function(let name) = op, ScalarFunctions.nondeterministic.contains(name) { return false }
            return args.allSatisfy(\.isConstant)
        case .cast(let e, _): return e.isConstant
        }
    }

    public var description: String {
        switch self {
        case .column(_, _, let name): return name
        case .field(let base, _, _, let name): return "\(base).\(name)"
        case .literal(let v, let t):
            switch v {
            case .null: return "null:\(t)"
            case .bool(let b): return b ? "true" : "false"
            case .int(let i):
                if case .decimal(_, let s) = t { return ValueText.formatDecimal(i, scale: s) }
                if case .interval = t { return "\(i)ms" }
                if t.isTimestamp { return SQLTimestamp.format(i) }
                return String(i)
            case .double(let d): return ValueText.formatDouble(d)
            case .string(let s): return "'\(s)'"
            }
        case .cast(let e, let t): return "CAST(\(e) AS \(t))"
        case .call(let op, let a, _):
            func infix(_ s: String) -> String { "(\(a[0]) \(s) \(a[1]))" }
            switch op {
            case .add: return infix("+")
            case .subtract: return infix("-")
            case .multiply: return infix("*")
            case .divide: return infix("/")
            case .modulo: return "MOD(\(a[0]), \(a[1]))"
            case .negate: return "-\(a[0])"
            case .equal: return infix("=")
            case .notEqual: return infix("<>")
            case .less: return infix("<")
            case .lessOrEqual: return infix("<=")
            case .greater: return infix(">")
            case .greaterOrEqual: return infix(">=")
            case .and: return "(" + a.map(\.description).joined(separator: " AND ") + ")"
            case .or: return "(" + a.map(\.description).joined(separator: " OR ") + ")"
            case .not: return "NOT \(a[0])"
            case .isNull: return "\(a[0]) IS NULL"
            case .isNotNull: return "\(a[0]) IS NOT NULL"
            case .isTrue: return "\(a[0]) IS TRUE"
            case .isNotTrue: return "\(a[0]) IS NOT TRUE"
            case .isFalse: return "\(a[0]) IS FALSE"
            case .isNotFalse: return "\(a[0]) IS NOT FALSE"
            case .caseWhen:
                var text = "CASE"
                var i = 0
                while i + 1 < a.count {
                    text += " WHEN \(a[i]) THEN \(a[i + 1])"
                    i += 2
                }
                return text + " ELSE \(a[a.count - 1]) END"
            case .coalesce: return "COALESCE(" + a.map(\.description).joined(separator: ", ") + ")"
            case .inList(let negated): return "\(a[0]) \(negated ? "NOT " : "")IN (" + a.dropFirst().map(\.description).joined(separator: ", ") + ")"
            case .like(let negated): return "\(a[0]) \(negated ? "NOT " : "")LIKE \(a[1])"
            case .concat: return "(" + a.map(\.description).joined(separator: " || ") + ")"
            case .function(let name): return "\(name)(" + a.map(\.description).joined(separator: ", ") + ")"
            }
        }
    }
}
