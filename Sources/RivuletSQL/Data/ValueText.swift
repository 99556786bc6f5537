// Values of each SQL type read from text (CSV, JSON, datagen options) and written as text.

import Foundation

/// A text that is not a value of the column's type.
public struct ValueFormatError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// How a value is written: as Flink's print connector shows rows, or as the CSV format writes fields.
public enum ValueStyle: Sendable {
    case print
    case csv
    /// As CAST(... AS STRING) gives it: no quotes, `yyyy-MM-dd HH:mm:ss.SSS` timestamps.
    case plain
}

public enum ValueText {
    static let powersOfTen: [Int64] = (0...18).map { e in (0..<e).reduce(Int64(1)) { a, _ in a * 10 } }

    /// 10^e for e in 0...18.
    public static func power(_ e: Int) -> Int64 { powersOfTen[e] }

    /// The unscaled value of a decimal text at `scale` (rounded half up), or nil.
    public static func parseDecimal<S: StringProtocol>(_ text: S, scale: Int) -> Int64? { parseDecimal(bytes: text.utf8, scale: scale) }

    /// The unscaled value of a decimal written in `bytes` (UTF-8) at `scale`, or nil.
    public static func parseDecimal<C: Collection<UInt8>>(bytes text: C, scale: Int) -> Int64? {
        var negative = false
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var roundUp = false
        var seenPoint = false
        var any = false
        var first = true
        for c in text {
            defer { first = false }
            if first && (c == UInt8(ascii: "-") || c == UInt8(ascii: "+")) {
                negative = c == UInt8(ascii: "-")
                continue
            }
            if c == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
                continue
            }
            guard c >= 48 && c <= 57 else { return nil }
            any = true
            let d = Int64(c - 48)
            if !seenPoint {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(d)
                guard !o1 && !o2 else { return nil }
                whole = a
            } else if fractionDigits < scale {
                fraction = fraction * 10 + d
                fractionDigits += 1
            } else if fractionDigits == scale {
                roundUp = d >= 5
                fractionDigits += 1
            }
        }
        guard any else { return nil }
        let kept = min(fractionDigits, scale)
        fraction *= power(scale - kept)
        let (scaled, o1) = whole.multipliedReportingOverflow(by: power(scale))
        guard !o1 else { return nil }
        var value = scaled + fraction + (roundUp ? 1 : 0)
        if negative { value = -value }
        return value
    }

    /// An unscaled decimal written with `scale` digits after the point.
    public static func formatDecimal(_ value: Int64, scale: Int) -> String {
        guard scale > 0 else { return String(value) }
        let unit = UInt64(power(scale))
        let fraction = String(value.magnitude % unit)
        return (value < 0 ? "-" : "") + String(value.magnitude / unit) + "."
            + String(repeating: "0", count: scale - fraction.count) + fraction
    }

    /// A DOUBLE as Java writes it (`1.5`, `1.0E7`, `1.0E-4`), which is how Flink shows it.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        let magnitude = abs(d)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            let text = "\(d)"
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        var exponent = Int(log10(magnitude).rounded(.down))
        var mantissa = d / pow10(exponent)
        if abs(mantissa) >= 10 {
            mantissa /= 10
            exponent += 1
        }
        var m = "\(mantissa)"
        if !m.contains(".") { m += ".0" }
        return "\(m)E\(exponent)"
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }

    /// A whole number written in `bytes` (spaces around it allowed), or nil.
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var start = 0, end = bytes.count
        while start < end && bytes[start] == UInt8(ascii: " ") { start += 1 }
        while end > start && bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
        var i = text.startIndex
        var negative = false
        if i < text.endIndex && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < text.endIndex else { return nil }
        var v: Int64 = 0
        while i < text.endIndex {
            let c = text[i]
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(c - 48)) : m.addingReportingOverflow(Int64(c - 48))
            guard !o1 && !o2 else { return nil }
            v = a
            i += 1
        }
        return v
    }

    /// Appends the value of `text` for a column of `type`.
    public static func append<S: StringProtocol>(_ text: S, type: SQLDataType, to builder: inout ColumnBuilder) throws {
        switch type {
        case .boolean:
            switch text.lowercased() {
            case "true": builder.append(bool: true)
            case "false": builder.append(bool: false)
            default: throw ValueFormatError("'\(text)' is not a BOOLEAN")
            }
        case .tinyint, .smallint, .int, .bigint:
            guard let v = Int64(text.trimmingSpaces) else { throw ValueFormatError("'\(text)' is not a whole number (\(type))") }
            builder.append(int: v)
        case .decimal(_, let scale):
            guard let v = parseDecimal(text.trimmingSpaces, scale: scale) else { throw ValueFormatError("'\(text)' is not a \(type)") }
            builder.append(int: v)
        case .float, .double:
            guard let v = Double(text.trimmingSpaces) else { throw ValueFormatError("'\(text)' is not a number (\(type))") }
            builder.append(double: v)
        case .varchar: builder.append(string: String(text))
        case .timestamp, .timestampLTZ:
            guard let v = SQLTimestamp.parse(text) else {
                throw ValueFormatError("'\(text)' is not a \(type) (expected yyyy-MM-dd HH:mm:ss[.SSS])")
            }
            builder.append(int: v)
        default: throw ValueFormatError("cannot read a \(type) from text")
        }
    }

    /// Row `i` of `column` (of `type`) as text; NULL is `null` in print style and empty in CSV.
    public static func format(_ column: ColumnVector, _ i: Int, type: SQLDataType, style: ValueStyle) -> String {
        if column.isNull(i) { return style == .print ? "null" : "" }
        switch column.storage {
        case .bool(let a): return style == .plain ? (a[i] ? "TRUE" : "FALSE") : (a[i] ? "true" : "false")
        case .double(let a): return formatDouble(a[i])
        case .string(let a): return a[i]
        case .int(let a):
            switch type {
            case .decimal(_, let s): return formatDecimal(a[i], scale: s)
            case .timestamp(let p), .timestampLTZ(let p):
                switch style {
                case .print: return SQLTimestamp.formatISO(a[i])
                case .csv: return SQLTimestamp.formatSQL(a[i])
                case .plain: return SQLTimestamp.format(a[i], precision: p)
                }
            case .interval: return String(a[i])
            default: return String(a[i])
            }
        case .row(let fields):
            let types = type.rowFields ?? []
            let inner = fields.enumerated().map { n, f in format(f, i, type: n < types.count ? types[n].type : .null, style: .print) }
            return "(" + inner.joined(separator: ", ") + ")"
        case .null: return style == .print ? "null" : ""
        }
    }

    /// A CSV field, quoted when it holds a character below the delimiter and the quote (for
    /// `,`: below `-`) or a line break, as Jackson's CSV writer (Flink's) decides.
    public static func csvQuoted(_ s: String, delimiter: String = ",") -> String {
        let limit = max(delimiter.utf8.first ?? 44, 34)
        guard s.utf8.contains(where: { $0 <= limit }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
