// Whole rows as text: Flink's print form, CSV lines and JSON objects.

import Foundation

/// Formats row `i` of a batch whose columns have `types`.
public enum RowText {
    /// `+I[1, foo, 2015-07-15T00:00]`, as Flink's print connector writes a row.
    public static func printed(_ batch: RowBatch, _ i: Int, types: [SQLDataType]) -> String {
        var text = batch.kind(i).shortString + "["
        for c in batch.columns.indices {
            if c > 0 { text += ", " }
            text += ValueText.format(batch.columns[c], i, type: types[c], style: .print)
        }
        return text + "]"
    }

    /// One CSV line: NULL as `nullLiteral`, and a field quoted as Flink's CSV format (Jackson)
    /// quotes it: when it holds a character below `-` (such as a space, a comma or a quote) or
    /// a line break.
    public static func csv(_ batch: RowBatch, _ i: Int, types: [SQLDataType], delimiter: String = ",", nullLiteral: String = "") -> String {
        batch.columns.indices.map { c in
            let column = batch.columns[c]
            if column.isNull(i) { return nullLiteral }
            let text = ValueText.format(column, i, type: types[c], style: .csv)
            return types[c].isString || types[c].isTimestamp ? ValueText.csvQuoted(text, delimiter: delimiter) : text
        }.joined(separator: delimiter)
    }

    /// One JSON object with the columns' names as keys.
    public static func json(_ batch: RowBatch, _ i: Int, names: [String], types: [SQLDataType]) -> String {
        "{" + batch.columns.indices.map { "\(quote(names[$0])):" + jsonValue(batch.columns[$0], i, type: types[$0]) }.joined(separator: ",") + "}"
    }

    static func jsonValue(_ column: ColumnVector, _ i: Int, type: SQLDataType) -> String {
        if column.isNull(i) { return "null" }
        switch column.storage {
        case .bool(let a): return a[i] ? "true" : "false"
        case .double(let a): return a[i].isFinite ? ValueText.formatDouble(a[i]) : quote(ValueText.formatDouble(a[i]))
        case .string(let a): return quote(a[i])
        case .int(let a):
            switch type {
            case .decimal(_, let s): return ValueText.formatDecimal(a[i], scale: s)
            case .timestamp, .timestampLTZ: return quote(SQLTimestamp.formatSQL(a[i]))
            default: return String(a[i])
            }
        case .row(let fields):
            let types = type.rowFields ?? []
            return "{" + fields.indices.map { "\(quote(types[$0].name)):" + jsonValue(fields[$0], i, type: types[$0].type) }.joined(separator: ",")
                + "}"
        case .null: return "null"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
