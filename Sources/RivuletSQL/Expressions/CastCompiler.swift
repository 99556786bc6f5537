// CAST between the SQL types, over whole columns.

/// Conversions: between numeric types (DECIMAL rescaled with rounding half up, as Flink
/// does; to an integer, truncated), to and from strings, and between the timestamp types.
/// A string that is not a value of the target type fails the job, as Flink's CAST does.
enum CastCompiler {
    static func cast(_ a: CompiledExpression, from: SQLDataType, to: SQLDataType) throws -> CompiledExpression {
        if from == to { return a }
        if case .null = from { return CompiledExpression(constant: .null) }
        if to.isString {
            return CompiledExpression { batch in
                let v = try a.evaluate(batch)
                var out = [String]()
                out.reserveCapacity(batch.count)
                for i in 0..<batch.count { out.append(v.isNull(i) ? "" : ValueText.format(v, i, type: from, style: .plain)) }
                return v.storage.isNull ? .nulls(batch.count) : .strings(out, validity: v.validity)
            }
        }
        if from.isString {
            return CompiledExpression { batch in
                let s = try a.strings(batch)
                var builder = ColumnBuilder(to.physicalKind ?? .string)
                switch s {
                case .null: return .nulls(batch.count)
                case .constant(let c):
                    for _ in 0..<batch.count { try append(c, to, &builder) }
                case .vector(let values, let valid):
                    for i in 0..<batch.count {
                        if valid?[i] ?? true { try append(values[i], to, &builder) } else { builder.appendNull() }
                    }
                }
                return builder.finish(rows: batch.count)
            }
        }
        if to.isApproximate {
            if from.isApproximate { return a }
            let unit = Double(ValueText.power(from.scale))
            return CompiledExpression { batch in
                mapOperand(try a.ints(batch), count: batch.count, filler: 0) { Double($0) / unit }.map { .doubles($0.0, validity: $0.1) }
                    ?? .nulls(batch.count)
            }
        }
        if from.isApproximate {
            guard to.physicalKind == .int, to.isNumeric else { throw SQLRuntimeError("cannot cast \(from) to \(to)") }
            let unit = Double(ValueText.power(to.scale))
            let isDecimal = !to.isInteger
            return CompiledExpression { batch in
                var bad = false
                let out = mapOperand(try a.doubles(batch), count: batch.count, filler: 0) { d -> Int64 in
                    let scaled = isDecimal ? (d * unit).rounded(.toNearestOrAwayFromZero) : d.rounded(.towardZero)
                    guard let v = Int64(exactly: scaled) else {
                        bad = true
                        return 0
                    }
                    return v
                }
                if bad { throw SQLRuntimeError("a DOUBLE value does not fit \(to)") }
                return out.map { .ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
            }
        }
        if from.isTimestamp && to.isTimestamp { return a }
        if case .boolean = to { throw SQLRuntimeError("cannot cast \(from) to BOOLEAN") }
        guard from.physicalKind == .int, to.physicalKind == .int, from.isNumeric, to.isNumeric else {
            throw SQLRuntimeError("cannot cast \(from) to \(to)")
        }
        // Exact numeric to exact numeric: rescale.
        let fromScale = from.scale, toScale = to.isInteger ? 0 : to.scale
        let narrow: @Sendable (Int64) -> Int64
        switch to {
        case .tinyint: narrow = { Int64(Int8(truncatingIfNeeded: $0)) }
        case .smallint: narrow = { Int64(Int16(truncatingIfNeeded: $0)) }
        case .int: narrow = { Int64(Int32(truncatingIfNeeded: $0)) }
        default: narrow = { $0 }
        }
        if fromScale == toScale && to == .bigint || (fromScale == toScale && !to.isInteger) { return a }
        return CompiledExpression { batch in
            var overflow = false
            let out = mapOperand(try a.ints(batch), count: batch.count, filler: 0) { v -> Int64 in
                var r = v
                if toScale > fromScale {
                    let (m, o) = v.multipliedReportingOverflow(by: ValueText.power(toScale - fromScale))
                    overflow = overflow || o
                    r = m
                } else if toScale < fromScale {
                    let unit = ValueText.power(fromScale - toScale)
                    r = v / unit
                    // To a DECIMAL: round half up; to an integer: truncate.
                    if !to.isInteger && (v % unit).magnitude * 2 >= UInt64(unit) { r += v < 0 ? -1 : 1 }
                }
                return to.isInteger ? narrow(r) : r
            }
            if overflow { throw SQLRuntimeError("a value does not fit \(to) (Rivulet keeps DECIMAL values up to 18 digits)") }
            return out.map { .ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
        }
    }

    static func append(_ text: String, _ type: SQLDataType, _ builder: inout ColumnBuilder) throws {
        do {
            try ValueText.append(type.isString ? text : String(text.trimmingSpaces), type: type, to: &builder)
        } catch {
            throw SQLRuntimeError("CAST('\(text)' AS \(type)) failed: \(error)")
        }
    }
}
