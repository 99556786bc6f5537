// +, -, *, /, MOD and unary minus over whole columns.

/// Arithmetic of the numeric types, and of a TIMESTAMP with an INTERVAL. Integers wrap on
/// overflow as Flink's (Java's) do; DECIMAL values, kept as 64-bit unscaled integers, fail
/// the job when a result needs more than 18 digits rather than wrap.
enum Arithmetic {
    static func binary(
        _ op: ScalarOperator, _ l: CompiledExpression, _ r: CompiledExpression, operandType: SQLDataType, rightType: SQLDataType,
        result: SQLDataType
    ) throws -> CompiledExpression {
        if result.isApproximate {
            return CompiledExpression { batch in
                let a = try l.doubles(batch), b = try r.doubles(batch)
                let out: ([Double], [Bool]?)?
                switch op {
                case .add: out = zipOperands(a, b, count: batch.count, +)
                case .subtract: out = zipOperands(a, b, count: batch.count, -)
                case .multiply: out = zipOperands(a, b, count: batch.count, *)
                case .divide: out = zipOperands(a, b, count: batch.count, /)
                default: out = zipOperands(a, b, count: batch.count) { $0.truncatingRemainder(dividingBy: $1) }
                }
                return out.map { ColumnVector.doubles($0.0, validity: $0.1) } ?? .nulls(batch.count)
            }
        }
        if case .decimal(_, let scale) = result {
            return decimal(op, l, r, leftScale: operandType.scale, rightScale: rightType.scale, resultScale: scale)
        }
        // Integers, and TIMESTAMP +/- INTERVAL (milliseconds).
        return CompiledExpression { batch in
            let a = try l.ints(batch), b = try r.ints(batch)
            let out: ([Int64], [Bool]?)?
            switch op {
            case .add: out = zipOperands(a, b, count: batch.count, &+)
            case .subtract: out = zipOperands(a, b, count: batch.count, &-)
            case .multiply: out = zipOperands(a, b, count: batch.count, &*)
            default:
                var zero = false
                out = zipOperands(a, b, count: batch.count) { x, y -> Int64 in
                    if y == 0 {
                        zero = true
                        return 0
                    }
                    if y == -1 { return op == .divide ? 0 &- x : 0 }
                    return op == .divide ? x / y : x % y
                }
                if zero, let out { try checkDivisor(out.1, b) }
            }
            return out.map { ColumnVector.ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
        }
    }

    /// Throws when a row that is not NULL divides by zero.
    static func checkDivisor(_ validity: [Bool]?, _ divisor: VectorOperand<Int64>) throws {
        switch divisor {
        case .constant(0): throw SQLRuntimeError("division by zero")
        case .vector(let values, _):
            for i in values.indices where values[i] == 0 && (validity?[i] ?? true) { throw SQLRuntimeError("division by zero") }
        default: break
        }
    }

    static func decimal(
        _ op: ScalarOperator, _ l: CompiledExpression, _ r: CompiledExpression, leftScale: Int, rightScale: Int, resultScale: Int
    ) -> CompiledExpression {
        CompiledExpression { batch in
            let a = try l.ints(batch), b = try r.ints(batch)
            var overflow = false
            var zero = false
            let out: ([Int64], [Bool]?)?
            switch op {
            case .add:
                out = zipOperands(a, b, count: batch.count) { x, y in
                    let (s, o) = x.addingReportingOverflow(y)
                    overflow = overflow || o
                    return s
                }
            case .subtract:
                out = zipOperands(a, b, count: batch.count) { x, y in
                    let (s, o) = x.subtractingReportingOverflow(y)
                    overflow = overflow || o
                    return s
                }
            case .multiply:
                // Scales add up: the product of the unscaled values is the result's unscaled value.
                out = zipOperands(a, b, count: batch.count) { x, y in
                    let (s, o) = x.multipliedReportingOverflow(by: y)
                    overflow = overflow || o
                    return s
                }
            case .divide:
                let shift = resultScale - leftScale + rightScale
                out = zipOperands(a, b, count: batch.count) { x, y -> Int64 in
                    if y == 0 {
                        zero = true
                        return 0
                    }
                    var n = Int128(x)
                    for _ in 0..<max(shift, 0) { n *= 10 }
                    let d = Int128(y)
                    var q = n / d
                    let rem = n % d
                    if rem.magnitude * 2 >= d.magnitude { q += (n < 0) != (d < 0) ? -1 : 1 }
                    guard let v = Int64(exactly: q) else {
                        overflow = true
                        return 0
                    }
                    return v
                }
            default:
                out = zipOperands(a, b, count: batch.count) { x, y -> Int64 in
                    if y == 0 {
                        zero = true
                        return 0
                    }
                    return x % y
                }
            }
            if overflow { throw SQLRuntimeError("a DECIMAL result needs more than 18 digits, the most Rivulet keeps") }
            if zero, let out { try checkDivisor(out.1, b) }
            return out.map { ColumnVector.ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
        }
    }

    static func negate(_ a: CompiledExpression, type: SQLDataType) throws -> CompiledExpression {
        if type.isApproximate {
            return CompiledExpression { batch in
                mapOperand(try a.doubles(batch), count: batch.count, filler: 0) { -$0 }.map { .doubles($0.0, validity: $0.1) }
                    ?? .nulls(batch.count)
            }
        }
        return CompiledExpression { batch in
            mapOperand(try a.ints(batch), count: batch.count, filler: 0) { 0 &- $0 }.map { .ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
        }
    }
}
