// 'connector' = 'datagen': generated rows, random or sequential per column.

import RivuletRuntime

/// Flink's datagen connector. Row i's values depend only on i and the column (each row draws
/// from a generator seeded by its index), so a restarted job makes the same rows.
/// Options: `rows-per-second` (10000; 0 for as fast as possible), `number-of-rows` (unbounded
/// when absent), and per column `fields.<name>.kind` (`random` or `sequence`),
/// `fields.<name>.min` / `.max` (numbers), `.length` (strings, 10 by default here),
/// `.start` / `.end` (sequences; the table ends with its shortest sequence), `.null-rate`,
/// and `.max-past` (random timestamps: milliseconds before now).
public struct DataGenConnector: TableConnector {
    public let identifier = "datagen"
    public let options = ["rows-per-second", "number-of-rows", "fields."]

    public init() {}

    /// How one column's values are made.
    enum Field: Sendable {
        case sequence(start: Int64, end: Int64)
        case random(min: Double, max: Double, length: Int, maxPast: Int64)
    }

    public func validate(_ table: CatalogTable) throws {
        try checkOptionNames(table)
        _ = try plan(table)
    }

    func plan(_ table: CatalogTable) throws -> (fields: [(Field, nullRate: Double)], count: Int64?, rate: Double?) {
        let columns = table.physicalColumns
        let fieldOptions = ["kind", "min", "max", "length", "start", "end", "null-rate", "max-past"]
        for (key, _) in table.options where key.hasPrefix("fields.") {
            let rest = key.dropFirst("fields.".count)
            guard let dot = rest.lastIndex(of: "."), columns.contains(where: { $0.name == rest[..<dot] }),
                fieldOptions.contains(String(rest[rest.index(after: dot)...]))
            else {
                throw SQLError(
                    "table '\(table.name)': datagen option '\(key)' names no column and option (fields.<column>.<\(fieldOptions.joined(separator: "|"))>)",
                    at: table.position)
            }
        }
        var fields: [(Field, nullRate: Double)] = []
        var count = try intOption(table, "number-of-rows", default: nil)
        for c in columns {
            guard c.type.rowFields == nil, c.type.physicalKind != nil else {
                throw SQLError("table '\(table.name)': datagen cannot generate column '\(c.name)' of type \(c.type)", at: table.position)
            }
            func number(_ option: String, _ fallback: Double) throws -> Double {
                guard let text = table.option("fields.\(c.name).\(option)") else { return fallback }
                guard let v = Double(text) else {
                    throw SQLError("table '\(table.name)': 'fields.\(c.name).\(option)' must be a number, got '\(text)'", at: table.position)
                }
                return v
            }
            let nullRate = try number("null-rate", 0)
            let kind = table.option("fields.\(c.name).kind") ?? "random"
            switch kind {
            case "sequence":
                guard c.type.isInteger || c.type.isString || !c.type.isApproximate && c.type.isNumeric else {
                    throw SQLError(
                        "table '\(table.name)': a sequence column must be a number or a string, '\(c.name)' is \(c.type)", at: table.position)
                }
                guard let start = Int64(exactly: try number("start", .nan)), let end = Int64(exactly: try number("end", .nan)), start <= end else {
                    throw SQLError(
                        "table '\(table.name)': sequence column '\(c.name)' needs whole numbers 'fields.\(c.name).start' <= 'fields.\(c.name).end'",
                        at: table.position)
                }
                let length = end - start + 1
                count = min(count ?? length, length)
                fields.append((.sequence(start: start, end: end), nullRate))
            case "random":
                let (low, high): (Double, Double)
                switch c.type {
                case .tinyint: (low, high) = (-128, 127)
                case .smallint: (low, high) = (-32768, 32767)
                case .int: (low, high) = (Double(Int32.min), Double(Int32.max))
                case .bigint: (low, high) = (-9.0e18, 9.0e18)
                case .decimal(let p, let s): (low, high) = (0, Double(ValueText.power(min(p - s, 18 - s))) - 1)
                default: (low, high) = (0, 1)
                }
                let min = try number("min", low), max = try number("max", high)
                guard min <= max else {
                    throw SQLError("table '\(table.name)': 'fields.\(c.name).min' is above 'fields.\(c.name).max'", at: table.position)
                }
                fields.append(
                    (.random(min: min, max: max, length: Int(try number("length", 10)), maxPast: Int64(try number("max-past", 0))), nullRate))
            default:
                throw SQLError("table '\(table.name)': 'fields.\(c.name).kind' must be 'random' or 'sequence', got '\(kind)'", at: table.position)
            }
        }
        let rate = try intOption(table, "rows-per-second", default: 10_000)
        return (fields, count, rate.flatMap { $0 > 0 ? Double($0) : nil })
    }

    public func source(_ context: TableSourceContext, in env: StreamExecutionEnvironment) throws -> DataStream<RowBatch> {
        let table = context.table
        let (fields, count, rate) = try plan(table)
        let types = table.physicalColumns.map(\.type)
        let generator = DataGeneratorSource<Int64>(count: count, recordsPerSecond: rate) { index, _ in index }
        let source = RowBatchSource(generator, kinds: context.kinds, readColumns: context.readColumns) { index, builders in
            for (c, (field, nullRate)) in fields.enumerated() {
                var rng = SplitMix64(seed: UInt64(bitPattern: index) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(c + 1) &* 0xD1B5_4A32_D192_ED03)
                if nullRate > 0 && Double(rng.next() >> 11) * 0x1p-53 < nullRate {
                    builders[c].appendNull()
                    continue
                }
                Self.append(index, field, types[c], &rng, to: &builders[c])
            }
        }
        return env.fromSource(source, name: "TableSourceScan(table=[\(table.name)], connector=[datagen])").uid(context.uid)
    }

    static func append(_ index: Int64, _ field: Field, _ type: SQLDataType, _ rng: inout SplitMix64, to builder: inout ColumnBuilder) {
        switch field {
        case .sequence(let start, _):
            let v = start + index
            if type.isString {
                builder.append(string: String(v))
            } else {
                builder.append(int: type.isInteger ? v : v * ValueText.power(type.scale))
            }
        case .random(let min, let max, let length, let maxPast):
            let u = Double(rng.next() >> 11) * 0x1p-53
            switch type {
            case .boolean: builder.append(bool: rng.next() & 1 == 1)
            case .varchar:
                var s = ""
                s.reserveCapacity(length)
                let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars)
                for _ in 0..<length { s.unicodeScalars.append(letters[Int(rng.next() % UInt64(letters.count))]) }
                builder.append(string: s)
            case .float, .double: builder.append(double: min + u * (max - min))
            case .timestamp, .timestampLTZ:
                builder.append(int: SystemClock.nowMillis() - (maxPast > 0 ? Int64(rng.next() % UInt64(maxPast)) : 0))
            case .decimal(_, let s):
                let unit = Double(ValueText.power(s))
                builder.append(int: Int64(((min + u * (max - min)) * unit).rounded()))
            default:
                let span = UInt64(max - min) &+ 1
                builder.append(int: Int64(min) &+ Int64(bitPattern: span == 0 ? rng.next() : rng.next() % span))
            }
        }
    }
}
