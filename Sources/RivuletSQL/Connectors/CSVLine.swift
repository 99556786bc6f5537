// One line of the CSV format read into columns, from its bytes.

/// Splits a CSV line at the delimiter (a field in double quotes may hold delimiters, line
/// breaks and `""` for a quote) and appends each read field to its column, parsing numbers and
/// timestamps from the bytes.
enum CSVLine {
    static func append(
        _ line: [UInt8], types: [SQLDataType], delimiter: UInt8, nullLiteral: [UInt8]?, read: [Bool], to builders: inout [ColumnBuilder]
    ) throws {
        let quote = UInt8(ascii: "\"")
        var column = 0
        var i = 0
        let n = line.count
        while true {
            var field: ArraySlice<UInt8>
            var unquoted: [UInt8]?
            if i < n && line[i] == quote {
                var text: [UInt8] = []
                i += 1
                while i < n {
                    if line[i] == quote {
                        if i + 1 < n && line[i + 1] == quote {
                            text.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    text.append(line[i])
                    i += 1
                }
                while i < n && line[i] != delimiter { i += 1 }
                unquoted = text
                field = text[...]
            } else {
                let start = i
                while i < n && line[i] != delimiter { i += 1 }
                field = line[start..<i]
            }
            guard column < types.count else { throw ValueFormatError("expected \(types.count) fields, got more") }
            if read[column] {
                if let nullLiteral, unquoted == nil, field.elementsEqual(nullLiteral) {
                    builders[column].appendNull()
                } else {
                    try ValueText.append(bytes: field, type: types[column], to: &builders[column])
                }
            }
            column += 1
            if i >= n { break }
            i += 1  // the delimiter
            if i == n {
                // A trailing delimiter: one more, empty field.
                guard column < types.count else { throw ValueFormatError("expected \(types.count) fields, got more") }
                if read[column] {
                    if let nullLiteral, nullLiteral.isEmpty { builders[column].appendNull() } else {
                        try ValueText.append(bytes: [][...], type: types[column], to: &builders[column])
                    }
                }
                column += 1
                break
            }
        }
        guard column == types.count else { throw ValueFormatError("expected \(types.count) fields, got \(column)") }
    }
}
