// Resolves the names of an expression against its input and checks and infers its types.

/// Turns a parsed expression into a typed one over `schema`, inserting the casts operators
/// need; every error names the line and column of the expression at fault.
struct ExpressionAnalyzer {
    let schema: RelSchema

    func analyze(_ e: SQLExpression) throws -> TypedExpression {
        switch e {
        case .literal(let literal, let p): return try Self.literal(literal, at: p)
        case .identifier(let parts, let p): return try resolve(parts, at: p)
        case .star(_, let p): throw SQLError("'*' is only allowed in a select list or COUNT(*)", at: p)
        case .unary(let op, let operand, let p):
            let a = try analyze(operand)
            switch op {
            case "NOT": return .call(.not, [try boolean(a, "NOT", at: p)], .boolean)
            case "+":
                guard a.type.isNumeric else { throw SQLError("unary '+' needs a number, got \(a.type)", at: p) }
                return a
            default:
                guard a.type.isNumeric || a.type == .null || { if case .interval = a.type { return true } else { return false } }() else {
                    throw SQLError("unary '-' needs a number, got \(a.type)", at: p)
                }
                return .call(.negate, [a], a.type)
            }
        case .binary(let op, let l, let r, let p): return try binary(op, try analyze(l), try analyze(r), at: p)
        case .isTest(let operand, let test, let negated, let p):
            let a = try analyze(operand)
            switch test {
            case "NULL": return .call(negated ? .isNotNull : .isNull, [a], .boolean)
            case "TRUE": return .call(negated ? .isNotTrue : .isTrue, [try boolean(a, "IS TRUE", at: p)], .boolean)
            case "FALSE": return .call(negated ? .isNotFalse : .isFalse, [try boolean(a, "IS FALSE", at: p)], .boolean)
            default: throw SQLError("IS \(test) is not supported", at: p)
            }
        case .inList(let operand, let list, let negated, let p):
            let values = try [analyze(operand)] + list.map { try analyze($0) }
            let common = try Self.commonType(values.map(\.type), what: "IN", at: p)
            return .call(.inList(negated: negated), try values.map { try Self.cast($0, to: common, at: p) }, .boolean)
        case .between(let operand, let low, let high, let negated, let p):
            let a = try analyze(operand)
            let range = TypedExpression.call(
                .and, [try binary(">=", a, try analyze(low), at: p), try binary("<=", a, try analyze(high), at: p)], .boolean)
            return negated ? .call(.not, [range], .boolean) : range
        case .like(let operand, let pattern, let negated, let p):
            let a = try analyze(operand), b = try analyze(pattern)
            guard a.type.isString || a.type == .null else { throw SQLError("LIKE needs a string, got \(a.type)", at: p) }
            guard case .literal(.string, _) = b else { throw SQLError("the pattern of LIKE must be a string literal", at: pattern.position) }
            return .call(.like(negated: negated), [try Self.cast(a, to: .varchar(length: nil), at: p), b], .boolean)
        case .caseWhen(let operand, let branches, let otherwise, let p):
            let subject = try operand.map { try analyze($0) }
            var conditions: [TypedExpression] = []
            var results: [TypedExpression] = []
            for branch in branches {
                let w = try analyze(branch.when)
                conditions.append(
                    try subject.map { try binary("=", $0, w, at: branch.when.position) } ?? boolean(w, "WHEN", at: branch.when.position))
                results.append(try analyze(branch.then))
            }
            results.append(try otherwise.map { try analyze($0) } ?? .literal(.null, .null))
            let type = try Self.commonType(results.map(\.type), what: "CASE", at: p)
            let cast = try results.map { try Self.cast($0, to: type, at: p) }
            var args: [TypedExpression] = []
            for (c, r) in zip(conditions, cast) { args += [c, r] }
            args.append(cast[cast.count - 1])
            return .call(.caseWhen, args, type)
        case .cast(let operand, let type, let p):
            let a = try analyze(operand)
            guard type.physicalKind != nil, type.rowFields == nil else { throw SQLError("CAST to \(type) is not supported", at: p) }
            return try Self.explicitCast(a, to: type, at: p)
        case .extract(let unit, let operand, let p):
            return try function(unit, [analyze(operand)], at: p)
        case .call(let call): return try self.call(call)
        case .tableArgument(_, _, let p), .descriptor(_, let p):
            throw SQLError("TABLE and DESCRIPTOR arguments are only allowed in a window function in FROM", at: p)
        }
    }

    func boolean(_ a: TypedExpression, _ what: String, at p: SourcePosition) throws -> TypedExpression {
        if a.type == .null { return .literal(.null, .boolean) }
        guard a.type == .boolean else { throw SQLError("\(what) needs a BOOLEAN, got \(a.type)", at: p) }
        return a
    }

    func call(_ c: SQLFunctionCall) throws -> TypedExpression {
        let p = c.position
        if c.over != nil {
            throw SQLError("\(c.name)() OVER (...) is only supported as Top-N or deduplication, which Rivulet's SQL does not run yet", at: p)
        }
        if QueryPlanner.aggregateFunctions.contains(c.name) {
            throw SQLError("aggregate function \(c.name) is not allowed here (only in the select list and HAVING of a query)", at: p)
        }
        let args = try c.arguments.map { try analyze($0) }
        switch c.name {
        case "COALESCE":
            guard !args.isEmpty else { throw SQLError("COALESCE needs at least one argument", at: p) }
            let type = try Self.commonType(args.map(\.type), what: "COALESCE", at: p)
            return .call(.coalesce, try args.map { try Self.cast($0, to: type, at: p) }, type)
        case "MOD":
            guard args.count == 2 else { throw SQLError("MOD takes 2 arguments, got \(args.count)", at: p) }
            return try binary("%", args[0], args[1], at: p)
        default: return try function(c.name, args, at: p)
        }
    }

    func function(_ name: String, _ args: [TypedExpression], at p: SourcePosition) throws -> TypedExpression {
        let name = name == "DAY" ? "DAYOFMONTH" : name
        let signature = try ScalarFunctions.signature(name, args.map(\.type), at: p)
        let cast = try zip(args, signature.arguments).map { a, t in a.type == .null ? .literal(.null, t) : try Self.cast(a, to: t, at: p) }
        return .call(.function(name), cast, signature.result)
    }

    func binary(_ op: String, _ a: TypedExpression, _ b: TypedExpression, at p: SourcePosition) throws -> TypedExpression {
        switch op {
        case "AND": return .call(.and, [try boolean(a, "AND", at: p), try boolean(b, "AND", at: p)], .boolean)
        case "OR": return .call(.or, [try boolean(a, "OR", at: p), try boolean(b, "OR", at: p)], .boolean)
        case "||":
            let text = SQLDataType.varchar(length: nil)
            guard (a.type.isString || a.type == .null) && (b.type.isString || b.type == .null) else {
                throw SQLError("'||' needs strings, got \(a.type) and \(b.type)", at: p)
            }
            return .call(.concat, [try Self.cast(a, to: text, at: p), try Self.cast(b, to: text, at: p)], text)
        case "=", "<>", "<", "<=", ">", ">=":
            let type = try Self.commonType([a.type, b.type], what: "'\(op)'", at: p)
            let ops: [String: ScalarOperator] = ["=": .equal, "<>": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual]
            return .call(ops[op] ?? .equal, [try Self.cast(a, to: type, at: p), try Self.cast(b, to: type, at: p)], .boolean)
        default: return try arithmetic(op, a, b, at: p)
        }
    }

    func arithmetic(_ op: String, _ a: TypedExpression, _ b: TypedExpression, at p: SourcePosition) throws -> TypedExpression {
        let ops: [String: ScalarOperator] = ["+": .add, "-": .subtract, "*": .multiply, "/": .divide, "%": .modulo]
        guard let operation = ops[op] else { throw SQLError("operator '\(op)' is not supported", at: p) }
        // TIMESTAMP +/- INTERVAL.
        if case .interval = b.type, a.type.isTimestamp, op == "+" || op == "-" { return .call(operation, [a, b], a.type) }
        if case .interval = a.type, b.type.isTimestamp, op == "+" { return .call(operation, [b, a], b.type) }
        if a.type == .null || b.type == .null {
            let other = a.type == .null ? b.type : a.type
            guard other.isNumeric || other == .null else { throw SQLError("cannot apply '\(op)' to \(a.type) and \(b.type)", at: p) }
            return .literal(.null, other == .null ? .int : other)
        }
        guard a.type.isNumeric && b.type.isNumeric else { throw SQLError("cannot apply '\(op)' to \(a.type) and \(b.type)", at: p) }
        if a.type.isApproximate || b.type.isApproximate {
            return .call(operation, [try Self.cast(a, to: .double, at: p), try Self.cast(b, to: .double, at: p)], .double)
        }
        if a.type.isInteger && b.type.isInteger {
            let type: SQLDataType = a.type == .bigint || b.type == .bigint ? .bigint : .int
            return .call(operation, [try Self.cast(a, to: type, at: p), try Self.cast(b, to: type, at: p)], type)
        }
        // DECIMAL arithmetic, with Flink's result precision and scale.
        let (p1, s1, p2, s2) = (a.type.precision, a.type.scale, b.type.precision, b.type.scale)
        func asDecimal(_ e: TypedExpression, scale: Int) throws -> TypedExpression {
            try Self.cast(e, to: .decimal(precision: min(e.type.precision - e.type.scale + scale, 38), scale: scale), at: p)
        }
        let result: SQLDataType
        var left = a, right = b
        switch operation {
        case .add, .subtract, .modulo:
            let s = max(s1, s2)
            result = .decimal(precision: min(max(p1 - s1, p2 - s2) + s + (operation == .modulo ? 0 : 1), 38), scale: s)
            left = try asDecimal(a, scale: s)
            right = try asDecimal(b, scale: s)
        case .multiply:
            result = .decimal(precision: min(p1 + p2, 38), scale: s1 + s2)
            left = try asDecimal(a, scale: s1)
            right = try asDecimal(b, scale: s2)
        default:
            var s = max(6, s1 + p2 + 1)
            var precision = p1 - s1 + s2 + s
            if precision > 38 {
                s = max(6, 38 - (precision - s))
                precision = 38
            }
            result = .decimal(precision: precision, scale: s)
            left = try asDecimal(a, scale: s1)
            right = try asDecimal(b, scale: s2)
        }
        guard result.scale <= SQLDataType.maxStoredDecimalDigits else {
            throw SQLError("the result of '\(op)' would be \(result), with more than 18 digits after the point, which Rivulet does not keep", at: p)
        }
        return .call(operation, [left, right], result)
    }

    // MARK: Names

    func resolve(_ parts: [String], at p: SourcePosition) throws -> TypedExpression {
        // A qualified column (`B.price`), else a column (and then fields of a ROW).
        if parts.count >= 2 {
            let matches = schema.columns.indices.filter { schema.columns[$0].qualifier == parts[0] && schema.columns[$0].name == parts[1] }
            if matches.count == 1 {
                let c = schema.columns[matches[0]]
                return try fields(.column(matches[0], c.type, name: c.name), parts.dropFirst(2), at: p)
            }
        }
        let matches = schema.columns.indices.filter { schema.columns[$0].name == parts[0] }
        guard matches.count <= 1 else { throw SQLError("column '\(parts[0])' is ambiguous: qualify it with its table", at: p) }
        guard let index = matches.first else {
            let known = schema.names.isEmpty ? "no columns" : "columns: " + schema.names.joined(separator: ", ")
            let what = parts.count >= 2 ? "'\(parts.joined(separator: "."))'" : "'\(parts[0])'"
            throw SQLError("column \(what) not found in the input (\(known))", at: p)
        }
        let c = schema.columns[index]
        return try fields(.column(index, c.type, name: c.name), parts.dropFirst(), at: p)
    }

    func fields(_ base: TypedExpression, _ path: ArraySlice<String>, at p: SourcePosition) throws -> TypedExpression {
        var e = base
        for name in path {
            guard let fields = e.type.rowFields else { throw SQLError("'\(e)' is \(e.type), not a ROW with a field '\(name)'", at: p) }
            guard let index = fields.firstIndex(where: { $0.name == name }) else {
                throw SQLError("ROW '\(e)' has no field '\(name)' (fields: \(fields.map(\.name).joined(separator: ", ")))", at: p)
            }
            e = .field(e, index, fields[index].type, name: name)
        }
        return e
    }

    // MARK: Types

    static func literal(_ literal: SQLLiteral, at p: SourcePosition) throws -> TypedExpression {
        switch literal {
        case .null: return .literal(.null, .null)
        case .boolean(let b): return .literal(.bool(b), .boolean)
        case .string(let s): return .literal(.string(s), .varchar(length: nil))
        case .number(let text):
            if text.contains("e") || text.contains("E") {
                guard let d = Double(text) else { throw SQLError("'\(text)' is not a number", at: p) }
                return .literal(.double(d), .double)
            }
            if let dot = text.firstIndex(of: ".") {
                let scale = text.distance(from: dot, to: text.endIndex) - 1
                let digits = text.filter(\.isNumber).drop { $0 == "0" }.count
                guard scale <= SQLDataType.maxStoredDecimalDigits, let v = ValueText.parseDecimal(text, scale: scale) else {
                    throw SQLError("the number \(text) has more digits than Rivulet keeps (18)", at: p)
                }
                return .literal(.int(v), .decimal(precision: max(digits, scale, 1), scale: scale))
            }
            guard let v = Int64(text) else { throw SQLError("the number \(text) is out of range of BIGINT", at: p) }
            return .literal(.int(v), Int32(exactly: v) != nil ? .int : .bigint)
        case .interval(let quantity, let unit):
            let units: [String: Int64] = ["MILLISECOND": 1, "SECOND": 1000, "MINUTE": 60_000, "HOUR": 3_600_000, "DAY": 86_400_000]
            guard let per = units[unit] else { throw SQLError("INTERVAL ... \(unit) is not supported (use SECOND, MINUTE, HOUR or DAY)", at: p) }
            guard let q = Double(quantity) else { throw SQLError("INTERVAL '\(quantity)' \(unit): '\(quantity)' is not a number", at: p) }
            return .literal(.int(Int64((q * Double(per)).rounded())), .interval(unit))
        case .typed(let type, let value):
            guard type == "TIMESTAMP" else { throw SQLError("\(type) literals are not supported", at: p) }
            guard let t = SQLTimestamp.parse(value) else { throw SQLError("'\(value)' is not a TIMESTAMP (yyyy-MM-dd HH:mm:ss[.SSS])", at: p) }
            return .literal(.int(t), .timestamp(precision: 3))
        }
    }

    /// The type values of `types` are compared or combined in (for comparisons, IN, CASE,
    /// COALESCE); NULL takes the others' type.
    static func commonType(_ types: [SQLDataType], what: String, at p: SourcePosition) throws -> SQLDataType {
        let known = types.filter { $0 != .null }
        guard var result = known.first else { return .null }
        for t in known.dropFirst() where t != result {
            if result.isNumeric && t.isNumeric {
                if result.isApproximate || t.isApproximate {
                    result = .double
                } else if result.isInteger && t.isInteger {
                    result = result == .bigint || t == .bigint ? .bigint : .int
                } else {
                    let s = max(result.scale, t.scale)
                    result = .decimal(precision: min(max(result.precision - result.scale, t.precision - t.scale) + s, 38), scale: s)
                }
            } else if result.isString && t.isString {
                result = .varchar(length: nil)
            } else if result.isTimestamp && t.isTimestamp {
                result = .timestamp(precision: 3)
            } else {
                throw SQLError("\(what) cannot combine \(result) and \(t)", at: p)
            }
        }
        return result
    }

    /// `e` as `type`, when SQL converts one to the other implicitly.
    static func cast(_ e: TypedExpression, to type: SQLDataType, at p: SourcePosition) throws -> TypedExpression {
        if e.type == type || type == .null { return e }
        if e.type == .null { return .literal(.null, type) }
        if type.isString && e.type.isString { return e }
        if let literal = castLiteral(e, to: type) { return literal }
        return .cast(e, type)
    }

    /// A numeric literal converted to `type` (so plans read `n * 2`, not `n * CAST(2 AS BIGINT)`).
    static func castLiteral(_ e: TypedExpression, to type: SQLDataType) -> TypedExpression? {
        guard case .literal(let value, let from) = e, from.isNumeric, type.isNumeric, !from.isApproximate else { return nil }
        guard case .int(let v) = value else { return nil }
        if type.isApproximate { return .literal(.double(Double(v) / Double(ValueText.power(from.scale))), type) }
        if type.isInteger { return from.isInteger ? .literal(.int(v), type) : nil }
        let shift = type.scale - from.scale
        guard shift >= 0 else { return nil }
        let (scaled, overflow) = v.multipliedReportingOverflow(by: ValueText.power(shift))
        return overflow ? nil : .literal(.int(scaled), type)
    }

    /// An explicit CAST: any pair the runtime converts.
    static func explicitCast(_ e: TypedExpression, to type: SQLDataType, at p: SourcePosition) throws -> TypedExpression {
        if e.type == .null { return .literal(.null, type) }
        let from = e.type
        let ok =
            from == type || type.isString || from.isString || (from.isNumeric && type.isNumeric) || (from.isTimestamp && type.isTimestamp)
        guard ok else { throw SQLError("cannot cast \(from) to \(type)", at: p) }
        return .cast(e, type)
    }
}
