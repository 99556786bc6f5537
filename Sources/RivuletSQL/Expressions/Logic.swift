// AND, OR, NOT and the IS tests, with SQL's three-valued logic.

/// Boolean connectives over columns: NULL is "unknown", so `FALSE AND NULL` is FALSE,
/// `TRUE OR NULL` is TRUE, and `TRUE AND NULL` is NULL.
enum Logic {
    /// AND (`all` true) or OR of every operand.
    static func connective(_ all: Bool, _ operands: [CompiledExpression]) -> CompiledExpression {
        CompiledExpression { batch in
            let n = batch.count
            // Per row: has a deciding value been seen (FALSE for AND, TRUE for OR), and a NULL.
            var decided = [Bool](repeating: false, count: n)
            var unknown = [Bool](repeating: false, count: n)
            for operand in operands {
                switch try operand.bools(batch) {
                case .null: for i in 0..<n { unknown[i] = true }
                case .constant(let c): if c != all { for i in 0..<n { decided[i] = true } }
                case .vector(let values, let valid):
                    if let valid {
                        for i in 0..<n {
                            if !valid[i] { unknown[i] = true } else if values[i] != all { decided[i] = true }
                        }
                    } else {
                        for i in 0..<n where values[i] != all { decided[i] = true }
                    }
                }
            }
            var values = [Bool](repeating: all, count: n)
            var validity: [Bool]?
            for i in 0..<n {
                if decided[i] {
                    values[i] = !all
                } else if unknown[i] {
                    if validity == nil { validity = [Bool](repeating: true, count: n) }
                    validity?[i] = false
                }
            }
            return .bools(values, validity: validity)
        }
    }

    static func not(_ a: CompiledExpression) -> CompiledExpression {
        CompiledExpression { batch in
            mapOperand(try a.bools(batch), count: batch.count, filler: false) { !$0 }.map { .bools($0.0, validity: $0.1) }
                ?? .nulls(batch.count)
        }
    }

    /// IS [NOT] NULL / TRUE / FALSE: never NULL itself.
    static func test(_ op: ScalarOperator, _ a: CompiledExpression) -> CompiledExpression {
        CompiledExpression { batch in
            let v = try a.evaluate(batch)
            let n = batch.count
            var out = [Bool](repeating: false, count: n)
            let values = v.storage.bools
            for i in 0..<n {
                let isNull = v.isNull(i)
                switch op {
                case .isNull: out[i] = isNull
                case .isNotNull: out[i] = !isNull
                case .isTrue: out[i] = !isNull && values?[i] == true
                case .isNotTrue: out[i] = isNull || values?[i] != true
                case .isFalse: out[i] = !isNull && values?[i] == false
                default: out[i] = isNull || values?[i] != false
                }
            }
            return .bools(out)
        }
    }
}
