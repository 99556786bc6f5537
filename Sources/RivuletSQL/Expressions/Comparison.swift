// =, <>, <, <=, >, >=, IN and LIKE over whole columns.

/// Comparisons of two operands of one type (the analyzer casts both sides to it). Strings
/// compare by their UTF-8 bytes, as Flink's do.
enum Comparison {
    static func compare(
        _ op: ScalarOperator, _ l: CompiledExpression, _ r: CompiledExpression, type: SQLDataType
    ) throws
        -> CompiledExpression
    {
        guard let kind = type.physicalKind else { throw SQLRuntimeError("cannot compare values of type \(type)") }
        switch kind {
        case .int:
            return CompiledExpression { batch in
                let a = try l.ints(batch), b = try r.ints(batch)
                return result(batch.count, ordered(op, a, b, count: batch.count, <))
            }
        case .double:
            return CompiledExpression { batch in
                let a = try l.doubles(batch), b = try r.doubles(batch)
                return result(batch.count, ordered(op, a, b, count: batch.count, <))
            }
        case .string:
            return CompiledExpression { batch in
                let a = try l.strings(batch), b = try r.strings(batch)
                return result(batch.count, ordered(op, a, b, count: batch.count) { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            }
        case .bool:
            return CompiledExpression { batch in
                let a = try l.bools(batch), b = try r.bools(batch)
                return result(batch.count, ordered(op, a, b, count: batch.count) { !$0 && $1 })
            }
        case .row: throw SQLRuntimeError("cannot compare ROW values")
        }
    }

    static func result(_ n: Int, _ out: ([Bool], [Bool]?)?) -> ColumnVector {
        out.map { .bools($0.0, validity: $0.1) } ?? .nulls(n)
    }

    @inline(__always)
    static func ordered<T: Equatable>(
        _ op: ScalarOperator, _ a: VectorOperand<T>, _ b: VectorOperand<T>, count n: Int, _ less: (T, T) -> Bool
    )
        -> ([Bool], [Bool]?)?
    {
        switch op {
        case .equal: return zipOperands(a, b, count: n, ==)
        case .notEqual: return zipOperands(a, b, count: n, !=)
        case .less: return zipOperands(a, b, count: n, less)
        case .lessOrEqual: return zipOperands(a, b, count: n) { !less($1, $0) }
        case .greater: return zipOperands(a, b, count: n) { less($1, $0) }
        default: return zipOperands(a, b, count: n) { !less($0, $1) }
        }
    }

    /// `x IN (a, b, ...)`: TRUE when x equals one, NULL when none does and x or one of them is
    /// NULL, FALSE otherwise; NOT IN is its negation.
    static func inList(_ value: CompiledExpression, _ list: [CompiledExpression], type: SQLDataType, negated: Bool) throws -> CompiledExpression {
        let equals = try list.map { try compare(.equal, value, $0, type: type) }
        let any = Logic.connective(false, equals)
        return negated ? Logic.not(any) : any
    }

    /// `x LIKE pattern`: `%` matches any run of characters and `_` one character.
    static func like(_ value: CompiledExpression, pattern: String, negated: Bool) -> CompiledExpression {
        let p = Array(pattern.unicodeScalars)
        return CompiledExpression { batch in
            let a = try value.strings(batch)
            let out = mapOperand(a, count: batch.count, filler: false) { s in matches(Array(s.unicodeScalars)[...], p[...]) != negated }
            return out.map { .bools($0.0, validity: $0.1) } ?? .nulls(batch.count)
        }
    }

    static func matches(_ s: ArraySlice<Unicode.Scalar>, _ p: ArraySlice<Unicode.Scalar>) -> Bool {
        var si = s.startIndex, pi = p.startIndex
        var starP: Int?
        var starS = 0
        while si < s.endIndex {
            if pi < p.endIndex && (p[pi] == "_" || (p[pi] != "%" && p[pi] == s[si])) {
                si += 1
                pi += 1
            } else if pi < p.endIndex && p[pi] == "%" {
                starP = pi
                starS = si
                pi += 1
            } else if let sp = starP {
                pi = sp + 1
                starS += 1
                si = starS
            } else {
                return false
            }
        }
        while pi < p.endIndex && p[pi] == "%" { pi += 1 }
        return pi == p.endIndex
    }
}
