// 'connector' = 'filesystem': a table of CSV or JSON lines in a file or a directory of files.

import Foundation
import RivuletRuntime

/// Reads a file, or every file of a directory, as a bounded source split across subtasks by
/// byte ranges, or with `source.monitor-interval` a directory watched for new files (an
/// unbounded source: each file, once it appears, is read once); writes part files exactly once
/// (committed at checkpoints and at the end).
/// Formats: `csv` (fields in column order; a field equal to `csv.null-literal`, when set, is
/// NULL, and written for NULL, else NULL is written as an empty field) and `json` (one object
/// per line, keys the column names; ROW columns as nested objects; a missing key is NULL).
/// A line that does not parse fails the job, naming the file and the line, unless
/// `<format>.ignore-parse-errors` is 'true': then it is skipped.
public struct FileSystemConnector: TableConnector {
    public let identifier = "filesystem"
    public let options = [
        "path", "format", "csv.field-delimiter", "csv.null-literal", "csv.ignore-parse-errors", "json.ignore-parse-errors", "source.monitor-interval",
    ]

    public init() {}

    public func validate(_ table: CatalogTable) throws {
        try checkOptionNames(table)
        guard table.option("path") != nil else { throw SQLError("table '\(table.name)': the filesystem connector needs 'path'", at: table.position) }
        let format = try self.format(table)
        for c in table.physicalColumns where c.type.rowFields != nil && format == "csv" {
            throw SQLError("table '\(table.name)': column '\(c.name)' is a ROW, which the csv format cannot hold (use json)", at: table.position)
        }
        _ = try delimiter(table)
        _ = try monitorInterval(table)
    }

    /// `source.monitor-interval`: how often a monitored directory is listed (nil: bounded).
    func monitorInterval(_ table: CatalogTable) throws -> Int64? {
        guard let text = table.option("source.monitor-interval") else { return nil }
        guard let millis = StreamTranslator.milliseconds(text), millis > 0 else {
            throw SQLError(
                "table '\(table.name)': 'source.monitor-interval' must be a positive duration such as '1 s' or '500 ms', got '\(text)'",
                at: table.position)
        }
        return millis
    }

    func format(_ table: CatalogTable) throws -> String {
        guard let format = table.option("format") else {
            throw SQLError("table '\(table.name)': the filesystem connector needs 'format' ('csv' or 'json')", at: table.position)
        }
        guard format == "csv" || format == "json" else {
            throw SQLError("table '\(table.name)': format '\(format)' is not supported (use 'csv' or 'json')", at: table.position)
        }
        return format
    }

    func delimiter(_ table: CatalogTable) throws -> Character {
        let text = table.option("csv.field-delimiter") ?? ","
        guard text.count == 1, let c = text.first else {
            throw SQLError("table '\(table.name)': 'csv.field-delimiter' must be one character, got '\(text)'", at: table.position)
        }
        return c
    }

    /// The files of `path`: itself, or the visible files of a directory in name order.
    static func files(_ path: String, table: CatalogTable) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SQLError("table '\(table.name)': path '\(path)' does not exist", at: table.position)
        }
        guard isDirectory.boolValue else { return [path] }
        return try DirectoryFiles.visibleNames(in: path).map { path + "/" + $0 }.filter(DirectoryFiles.isFile)
    }

    public func source(_ context: TableSourceContext, in env: StreamExecutionEnvironment) throws -> DataStream<RowBatch> {
        let table = context.table
        let path = table.option("path") ?? ""
        let format = try self.format(table)
        let delimiter = try self.delimiter(table)
        let columns = table.physicalColumns
        let read = context.readColumns
        let nullLiteral = table.option("csv.null-literal")
        let ignoreErrors = table.option("\(format).ignore-parse-errors") == "true"
        let readers = columns.map { CSVFieldReader($0.type) }
        let readMask = columns.indices.map { read[$0] != nil }
        let nullBytes = nullLiteral.map { Array($0.utf8) }
        guard let delimiterByte = delimiter.asciiValue else {
            throw SQLError("table '\(table.name)': 'csv.field-delimiter' must be an ASCII character", at: table.position)
        }
        /// Appends one line of `file` to the columns (or skips it, with ignore-parse-errors).
        func append(file: String) -> @Sendable ([UInt8], inout [ColumnBuilder]) throws -> Void {
            { line, builders in
                let before = builders.map(\.count)
                do {
                    if format == "csv" {
                        try CSVLine.append(line, readers: readers, delimiter: delimiterByte, nullLiteral: nullBytes, read: readMask, to: &builders)
                    } else {
                        try Self.appendJSON(String(decoding: line, as: UTF8.self), columns: columns, to: &builders)
                    }
                } catch  where ignoreErrors {
                    // Skip the line: drop what it appended.
                    for i in builders.indices { builders[i].truncate(to: before[i]) }
                    return
                } catch {
                    throw ConnectorError(
                        "table '\(table.name)', \(file): \(error) (line: '\(String(decoding: line.prefix(200), as: UTF8.self))')")
                }
            }
        }
        if let interval = try monitorInterval(table) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw SQLError("table '\(table.name)': 'source.monitor-interval' watches a directory, and '\(path)' is not one", at: table.position)
            }
            let files = MonitoredFileSource(directory: path, intervalMillis: interval) { Array($0) }
            let source = RowBatchSource(files, kinds: context.kinds, readColumns: read, append: append(file: "a file of '\(path)'"))
            return env.fromSource(
                source,
                name: "TableSourceScan(table=[\(table.name)], directory=[\((path as NSString).lastPathComponent)], monitor-interval=[\(interval) ms])"
            ).uid(context.uid)
        }
        let files = try Self.files(path, table: table)
        guard !files.isEmpty else { throw SQLError("table '\(table.name)': directory '\(path)' has no files", at: table.position) }
        var streams: [DataStream<RowBatch>] = []
        for (n, file) in files.enumerated() {
            let lines = LineFileSource<[UInt8]>(path: file) { Array($0) }
            let source = RowBatchSource(lines, kinds: context.kinds, readColumns: read, append: append(file: "file '\(file)'"))
            streams.append(
                env.fromSource(source, name: "TableSourceScan(table=[\(table.name)], file=[\((file as NSString).lastPathComponent)])").uid(
                    "\(context.uid)-\(n)"))
        }
        return streams.count == 1 ? streams[0] : streams[0].union(contentsOf: Array(streams.dropFirst()))
    }

    static func appendJSON(_ line: String, columns: [CatalogColumn], to builders: inout [ColumnBuilder]) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ValueFormatError("not a JSON object")
        }
        for (i, c) in columns.enumerated() { try appendJSON(object[c.name], type: c.type, to: &builders[i]) }
    }

    static func appendJSON(_ value: Any?, type: SQLDataType, to builder: inout ColumnBuilder) throws {
        guard let value, !(value is NSNull) else {
            builder.appendNull()
            return
        }
        if let fields = type.rowFields {
            guard let object = value as? [String: Any] else { throw ValueFormatError("expected an object for a \(type)") }
            builder.beginRow()
            for (f, field) in fields.enumerated() { try appendJSON(object[field.name], type: field.type, to: &builder.fields[f]) }
            builder.appendRow()
            return
        }
        if let s = value as? String {
            try ValueText.append(s, type: type, to: &builder)
        } else if let n = value as? NSNumber {
            if type == .boolean {
                builder.append(bool: n.boolValue)
            } else {
                try ValueText.append(type.isApproximate || type.isString ? "\(n)" : n.stringValue, type: type, to: &builder)
            }
        } else {
            throw ValueFormatError("cannot read \(value) as \(type)")
        }
    }

    public func sink(_ rows: DataStream<RowBatch>, table: CatalogTable, uid: String, configuration: [String: String]) throws {
        try validate(table)
        let format = try self.format(table)
        let delimiter = String(try self.delimiter(table))
        let columns = table.physicalColumns
        let types = columns.map(\.type), names = columns.map(\.name)
        let nullLiteral = table.option("csv.null-literal") ?? ""
        rows.flatMap { (batch: RowBatch, out: Collector<String>) in
            guard batch.count > 0 else { return }
            if let kinds = batch.kinds, kinds.contains(where: { $0 != .insert }) {
                throw SQLRuntimeError("table '\(table.name)' (filesystem) takes only inserts, but the query produces updates")
            }
            var text = ""
            for i in 0..<batch.count {
                if i > 0 { text += "\n" }
                text +=
                    format == "csv"
                    ? RowText.csv(batch, i, types: types, delimiter: delimiter, nullLiteral: nullLiteral)
                    : RowText.json(batch, i, names: names, types: types)
            }
            try out.collect(text)
        }
        .name("Format(\(format))").uid("\(uid)-format")
        .writeAsText(table.option("path") ?? "").name("Sink(table=[\(table.name)], fields=[\(names.joined(separator: ", "))])").uid(uid)
    }
}

extension DataStream {
    /// This stream merged with `others`.
    func union(contentsOf others: [DataStream<T>]) -> DataStream<T> {
        var result = self
        for o in others { result = result.union(o) }
        return result
    }
}
