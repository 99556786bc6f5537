// One line of the CSV format read into columns, from its bytes.

/// How a column's fields are read: decided once per table, so the per-field work switches on
/// a byte instead of the column's SQL type.
struct CSVFieldReader: Sendable {
    enum Kind: UInt8, Sendable { case integer, decimal, double, boolean, string, timestamp }
    let kind: Kind
    let scale: Int
    let type: SQLDataType

    init(_ type: SQLDataType) {
        self.type = type
        scale = type.scale
        switch type {
        case .tinyint, .smallint, .int, .bigint: kind = .integer
        case .decimal: kind = .decimal
        case .float, .double: kind = .double
        case .boolean: kind = .boolean
        case .timestamp, .timestampLTZ: kind = .timestamp
        default: kind = .string
        }
    }

    func append(_ field: UnsafeBufferPointer<UInt8>, to builder: inout ColumnBuilder) throws {
        switch kind {
        case .integer:
            guard let v = ValueText.parseInteger(field) else { throw bad(field, "a whole number") }
            builder.append(int: v)
        case .decimal:
            guard let v = ValueText.parseDecimal(bytes: field, scale: scale) else { throw bad(field, "a \(type)") }
            builder.append(int: v)
        case .timestamp:
            guard let v = SQLTimestamp.parse(field) else { throw bad(field, "a \(type) (yyyy-MM-dd HH:mm:ss[.SSS])") }
            builder.append(int: v)
        case .string: builder.append(string: String(decoding: field, as: UTF8.self))
        case .double, .boolean: try ValueText.append(String(decoding: field, as: UTF8.self), type: type, to: &builder)
        }
    }

    func bad(_ field: UnsafeBufferPointer<UInt8>, _ what: String) -> ValueFormatError {
        ValueFormatError("'\(String(decoding: field, as: UTF8.self))' is not \(what)")
    }
}

/// Splits a CSV line at the delimiter (a field in double quotes may hold delimiters, line
/// breaks and `""` for a quote) and appends each read field to its column.
enum CSVLine {
    static func append(
        _ line: [UInt8], readers: [CSVFieldReader], delimiter: UInt8, nullLiteral: [UInt8]?, read: [Bool], to builders: inout [ColumnBuilder]
    ) throws {
        try line.withUnsafeBufferPointer { bytes in
            let quote = UInt8(ascii: "\"")
            let n = bytes.count
            var column = 0
            var i = 0
            var scratch: [UInt8] = []
            func field(_ f: UnsafeBufferPointer<UInt8>, quoted: Bool) throws {
                guard column < readers.count else { throw ValueFormatError("expected \(readers.count) fields, got more") }
                if read[column] {
                    if let nullLiteral, !quoted, f.elementsEqual(nullLiteral) {
                        builders[column].appendNull()
                    } else {
                        try readers[column].append(f, to: &builders[column])
                    }
                }
                column += 1
            }
            while true {
                if i < n && bytes[i] == quote {
                    scratch.removeAll(keepingCapacity: true)
                    i += 1
                    while i < n {
                        if bytes[i] == quote {
                            if i + 1 < n && bytes[i + 1] == quote {
                                scratch.append(quote)
                                i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        scratch.append(bytes[i])
                        i += 1
                    }
                    while i < n && bytes[i] != delimiter { i += 1 }
                    try scratch.withUnsafeBufferPointer { try field($0, quoted: true) }
                } else {
                    let start = i
                    while i < n && bytes[i] != delimiter { i += 1 }
                    try field(UnsafeBufferPointer(rebasing: bytes[start..<i]), quoted: false)
                }
                if i >= n { break }
                i += 1  // the delimiter
                if i == n {
                    // A trailing delimiter: one more, empty field.
                    try field(UnsafeBufferPointer(rebasing: bytes[n..<n]), quoted: false)
                    break
                }
            }
            guard column == readers.count else { throw ValueFormatError("expected \(readers.count) fields, got \(column)") }
        }
    }
}
