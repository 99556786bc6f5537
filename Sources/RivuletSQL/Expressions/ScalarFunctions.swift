// The built-in scalar functions: their signatures (for the analyzer) and their vectorised forms.

import Foundation

/// Built-in functions by name. `signature` checks and types a call; `compile` makes its
/// evaluator. Every function returns NULL for a row where an argument is NULL.
public enum ScalarFunctions {
    /// Functions whose value changes between calls (never folded into constants).
    static let nondeterministic: Set<String> = ["PROCTIME", "CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP", "CURRENT_ROW_TIMESTAMP"]

    /// Date-time fields EXTRACT and the field functions take.
    static let timeFields: Set<String> = ["YEAR", "MONTH", "DAY", "DAYOFMONTH", "HOUR", "MINUTE", "SECOND", "MILLISECOND"]

    /// The names `signature` knows, for error messages.
    static let names =
        [
            "ABS", "CEIL", "CHAR_LENGTH", "CHARACTER_LENGTH", "COALESCE", "CONCAT", "CURRENT_TIMESTAMP", "DATE_FORMAT", "FLOOR", "LOWER",
            "MOD", "NOW", "PROCTIME", "REGEXP_EXTRACT", "REPLACE", "SPLIT_INDEX", "SUBSTR", "SUBSTRING", "TO_TIMESTAMP", "TO_TIMESTAMP_LTZ", "TRIM",
            "UPPER",
        ] + timeFields.sorted()

    /// The types the arguments are cast to and the result type of `name(arguments)`; throws
    /// for an unknown function or wrong arguments.
    static func signature(
        _ name: String, _ types: [SQLDataType], at position: SourcePosition
    ) throws -> (arguments: [SQLDataType], result: SQLDataType) {
        func expect(_ count: ClosedRange<Int>) throws {
            guard count.contains(types.count) else {
                let n = count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
                throw SQLError("\(name) takes \(n) argument\(count.upperBound == 1 ? "" : "s"), got \(types.count)", at: position)
            }
        }
        func string(_ i: Int) throws -> SQLDataType {
            guard types[i].isString || types[i] == .null else {
                throw SQLError("argument \(i + 1) of \(name) must be a string, got \(types[i])", at: position)
            }
            return .varchar(length: nil)
        }
        func integer(_ i: Int) throws -> SQLDataType {
            guard types[i].isInteger || types[i] == .null else {
                throw SQLError("argument \(i + 1) of \(name) must be a whole number, got \(types[i])", at: position)
            }
            return .int
        }
        func timestamp(_ i: Int) throws -> SQLDataType {
            guard types[i].isTimestamp || types[i] == .null else {
                throw SQLError("argument \(i + 1) of \(name) must be a TIMESTAMP, got \(types[i])", at: position)
            }
            return types[i] == .null ? .timestamp(precision: 3) : types[i]
        }
        let text = SQLDataType.varchar(length: nil)
        switch name {
        case "UPPER", "LOWER", "TRIM":
            try expect(1...1)
            return ([try string(0)], text)
        case "CHAR_LENGTH", "CHARACTER_LENGTH":
            try expect(1...1)
            return ([try string(0)], .int)
        case "CONCAT":
            try expect(1...64)
            return (try types.indices.map { try string($0) }, text)
        case "SUBSTRING", "SUBSTR":
            try expect(2...3)
            return ([try string(0)] + (try (1..<types.count).map { try integer($0) }), text)
        case "REPLACE":
            try expect(3...3)
            return (try (0..<3).map { try string($0) }, text)
        case "SPLIT_INDEX":
            try expect(3...3)
            return ([try string(0), try string(1), try integer(2)], text)
        case "REGEXP_EXTRACT":
            try expect(2...3)
            return ([try string(0), try string(1)] + (types.count == 3 ? [try integer(2)] : []), text)
        case "ABS":
            try expect(1...1)
            guard types[0].isNumeric else { throw SQLError("ABS takes a number, got \(types[0])", at: position) }
            return (types, types[0])
        case "FLOOR", "CEIL":
            try expect(1...1)
            guard types[0].isNumeric else { throw SQLError("\(name) takes a number, got \(types[0])", at: position) }
            if case .decimal(let p, let s) = types[0] { return (types, .decimal(precision: max(p - s + 1, 1), scale: 0)) }
            return (types, types[0])
        case "DATE_FORMAT":
            try expect(2...2)
            return ([try timestamp(0), try string(1)], text)
        case "TO_TIMESTAMP":
            try expect(1...1)
            return ([try string(0)], .timestamp(precision: 3))
        case "TO_TIMESTAMP_LTZ":
            // Epoch seconds (precision 0) or milliseconds (3).
            try expect(2...2)
            _ = try integer(0)
            return ([.bigint, try integer(1)], .timestampLTZ(precision: 3))
        case "PROCTIME", "CURRENT_TIMESTAMP", "NOW":
            try expect(0...0)
            return ([], .timestampLTZ(precision: 3))
        case _ where timeFields.contains(name):
            try expect(1...1)
            return ([try timestamp(0)], .bigint)
        default:
            throw SQLError("unknown function \(name) (Rivulet has: \(names.joined(separator: ", ")))", at: position)
        }
    }

    static func compile(_ name: String, _ a: [CompiledExpression], argumentTypes: [SQLDataType], result: SQLDataType) throws -> CompiledExpression {
        switch name {
        case "UPPER": return strings(a[0]) { $0.uppercased() }
        case "LOWER": return strings(a[0]) { $0.lowercased() }
        case "TRIM": return strings(a[0]) { String($0.trimmingSpaces) }
        case "CHAR_LENGTH", "CHARACTER_LENGTH":
            return CompiledExpression { batch in
                mapOperand(try a[0].strings(batch), count: batch.count, filler: 0) { Int64($0.count) }.map { .ints($0.0, validity: $0.1) }
                    ?? .nulls(batch.count)
            }
        case "CONCAT": return concat(a)
        case "SUBSTRING", "SUBSTR":
            return rowWise(a, kind: .string) { v in
                guard case .string(let s) = v[0], case .int(let start) = v[1] else { return .null }
                let chars = Array(s)
                var from = start > 0 ? Int(start) - 1 : (start < 0 ? max(chars.count + Int(start), 0) : 0)
                from = min(from, chars.count)
                var length = chars.count - from
                if v.count > 2 {
                    guard case .int(let l) = v[2] else { return .null }
                    guard l >= 0 else { throw SQLRuntimeError("SUBSTRING length must not be negative, got \(l)") }
                    length = min(Int(l), length)
                }
                return .string(String(chars[from..<(from + length)]))
            }
        case "REPLACE":
            return rowWise(a, kind: .string) { v in
                guard case .string(let s) = v[0], case .string(let target) = v[1], case .string(let with) = v[2] else { return .null }
                return .string(target.isEmpty ? s : s.replacingAll(target, with: with))
            }
        case "SPLIT_INDEX": return splitIndex(a)
        case "REGEXP_EXTRACT": return regexpExtract(a)
        case "ABS":
            if argumentTypes[0].isApproximate {
                return CompiledExpression { batch in
                    mapOperand(try a[0].doubles(batch), count: batch.count, filler: 0) { Swift.abs($0) }.map { .doubles($0.0, validity: $0.1) }
                        ?? .nulls(batch.count)
                }
            }
            return CompiledExpression { batch in
                mapOperand(try a[0].ints(batch), count: batch.count, filler: 0) { $0 < 0 ? 0 &- $0 : $0 }.map { .ints($0.0, validity: $0.1) }
                    ?? .nulls(batch.count)
            }
        case "FLOOR", "CEIL":
            let up = name == "CEIL"
            if argumentTypes[0].isApproximate {
                return CompiledExpression { batch in
                    mapOperand(try a[0].doubles(batch), count: batch.count, filler: 0) { $0.rounded(up ? .up : .down) }
                        .map { .doubles($0.0, validity: $0.1) } ?? .nulls(batch.count)
                }
            }
            let unit = ValueText.power(argumentTypes[0].scale)
            return CompiledExpression { batch in
                mapOperand(try a[0].ints(batch), count: batch.count, filler: 0) { v -> Int64 in
                    var q = v / unit
                    let r = v % unit
                    if up && r > 0 { q += 1 }
                    if !up && r < 0 { q -= 1 }
                    return q
                }.map { .ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
            }
        case "DATE_FORMAT":
            return rowWise(a, kind: .string) { v in
                guard case .int(let t) = v[0], case .string(let format) = v[1] else { return .null }
                return .string(DateFormat.format(t, pattern: format))
            }
        case "TO_TIMESTAMP":
            return rowWise(a, kind: .int) { v in
                guard case .string(let s) = v[0] else { return .null }
                return SQLTimestamp.parse(s).map { .int($0) } ?? .null
            }
        case "TO_TIMESTAMP_LTZ":
            return rowWise(a, kind: .int) { v in
                guard case .int(let n) = v[0], case .int(let precision) = v[1] else { return .null }
                switch precision {
                case 0: return .int(n &* 1000)
                case 3: return .int(n)
                default: throw SQLRuntimeError("TO_TIMESTAMP_LTZ takes precision 0 (seconds) or 3 (milliseconds), got \(precision)")
                }
            }
        case "PROCTIME", "CURRENT_TIMESTAMP", "NOW":
            return CompiledExpression { batch in
                var now = timespec()
                clock_gettime(CLOCK_REALTIME, &now)
                let millis = Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
                return .ints([Int64](repeating: millis, count: batch.count))
            }
        case _ where timeFields.contains(name):
            return CompiledExpression { batch in
                mapOperand(try a[0].ints(batch), count: batch.count, filler: 0) { t -> Int64 in
                    let f = SQLTimestamp.fields(t)
                    switch name {
                    case "YEAR": return f.year
                    case "MONTH": return f.month
                    case "DAY", "DAYOFMONTH": return f.day
                    case "HOUR": return f.hour
                    case "MINUTE": return f.minute
                    case "SECOND": return f.second
                    default: return f.millis
                    }
                }.map { .ints($0.0, validity: $0.1) } ?? .nulls(batch.count)
            }
        default: throw SQLRuntimeError("internal: no evaluator for function \(name)")
        }
    }

    /// A string function of one string.
    static func strings(_ a: CompiledExpression, _ f: @escaping @Sendable (String) -> String) -> CompiledExpression {
        CompiledExpression { batch in
            mapOperand(try a.strings(batch), count: batch.count, filler: "", f).map { .strings($0.0, validity: $0.1) } ?? .nulls(batch.count)
        }
    }

    /// `a || b || ...` and CONCAT: NULL when any operand is NULL.
    static func concat(_ a: [CompiledExpression]) -> CompiledExpression {
        rowWise(a, kind: .string) { v in
            var s = ""
            for x in v {
                guard case .string(let part) = x else { return .null }
                s += part
            }
            return .string(s)
        }
    }

    /// `SPLIT_INDEX(s, separator, index)`: the index-th (from 0) part of s split at separator,
    /// NULL past the last. A one-byte separator splits the UTF-8 bytes directly.
    static func splitIndex(_ a: [CompiledExpression]) -> CompiledExpression {
        let general = rowWise(a, kind: .string) { v in
            guard case .string(let s) = v[0], case .string(let separator) = v[1], case .int(let index) = v[2], !separator.isEmpty, index >= 0
            else { return .null }
            let parts = s.split(separator: separator, omittingEmptySubsequences: false)
            return index < parts.count ? .string(String(parts[Int(index)])) : .null
        }
        guard case .string(let separator)? = a[1].constant, case .int(let index)? = a[2].constant, separator.utf8.count == 1,
            let byte = separator.utf8.first, index >= 0
        else { return general }
        return CompiledExpression { batch in
            var builder = ColumnBuilder(.string)
            func split(_ s: String) {
                var text = s
                let part: String? = text.withUTF8 { bytes in
                    var start = 0, found = 0
                    for i in 0..<bytes.count where bytes[i] == byte {
                        if found == index { return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) }
                        found += 1
                        start = i + 1
                    }
                    return found == index ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]), as: UTF8.self) : nil
                }
                if let part { builder.append(string: part) } else { builder.appendNull() }
            }
            switch try a[0].strings(batch) {
            case .null: return .nulls(batch.count)
            case .constant(let s): for _ in 0..<batch.count { split(s) }
            case .vector(let values, let valid):
                for i in 0..<batch.count {
                    if valid?[i] ?? true { split(values[i]) } else { builder.appendNull() }
                }
            }
            return builder.finish(rows: batch.count)
        }
    }

    /// `REGEXP_EXTRACT(s, regex[, group])`: the group (default 1) of the first match, or NULL.
    static func regexpExtract(_ a: [CompiledExpression]) -> CompiledExpression {
        CompiledExpression { batch in
            let columns = try a.map { try $0.evaluate(batch) }
            var cache: (String, NSRegularExpression)?
            var builder = ColumnBuilder(.string)
            for i in 0..<batch.count {
                guard case .string(let s) = columns[0].scalar(i), case .string(let pattern) = columns[1].scalar(i) else {
                    builder.appendNull()
                    continue
                }
                var group = 1
                if columns.count > 2 {
                    guard case .int(let g) = columns[2].scalar(i) else {
                        builder.appendNull()
                        continue
                    }
                    group = Int(g)
                }
                let regex: NSRegularExpression
                if let cache, cache.0 == pattern {
                    regex = cache.1
                } else {
                    do {
                        regex = try NSRegularExpression(pattern: pattern)
                    } catch {
                        throw SQLRuntimeError("REGEXP_EXTRACT: '\(pattern)' is not a regular expression")
                    }
                    cache = (pattern, regex)
                }
                let ns = s as NSString
                guard let match = regex.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)), group >= 0,
                    group < match.numberOfRanges, match.range(at: group).location != NSNotFound
                else {
                    builder.appendNull()
                    continue
                }
                builder.append(string: ns.substring(with: match.range(at: group)))
            }
            return builder.finish(rows: batch.count)
        }
    }

    /// A function evaluated row by row on constants (for the functions that are not worth a
    /// vectorised form): NULL when any argument is.
    static func rowWise(
        _ a: [CompiledExpression], kind: PhysicalKind, _ f: @escaping @Sendable ([ScalarValue]) throws -> ScalarValue
    )
        -> CompiledExpression
    {
        CompiledExpression { batch in
            let columns = try a.map { try $0.evaluate(batch) }
            var builder = ColumnBuilder(kind)
            var args = [ScalarValue](repeating: .null, count: columns.count)
            for i in 0..<batch.count {
                var anyNull = false
                for c in columns.indices {
                    args[c] = columns[c].scalar(i)
                    if args[c] == .null { anyNull = true }
                }
                let v = anyNull ? .null : try f(args)
                switch v {
                case .null: builder.appendNull()
                case .bool(let b): builder.append(bool: b)
                case .int(let x): builder.append(int: x)
                case .double(let d): builder.append(double: d)
                case .string(let s): builder.append(string: s)
                }
            }
            return builder.finish(rows: batch.count)
        }
    }
}
