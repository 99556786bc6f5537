// A query's changelog shown as a table on standard output (the shell's result mode).

import RivuletRuntime

/// Writes a query's rows in a `TableauLayout`: the header when it opens, each batch's lines as
/// they arrive (written at once, so the table grows while the query runs), and the closing
/// border with the number of rows when the input ends. Runs at parallelism 1: one table.
struct TableauSink: Sink {
    let layout: TableauLayout

    func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer { Writer(layout: layout) }

    struct Writer: SinkWriter {
        let layout: TableauLayout
        var rows = 0
        var buffer: [UInt8] = []

        mutating func open(_ context: OperatorContext) throws {
            try StandardOutput.write(Array((layout.header + "\n").utf8))
        }

        mutating func write(_ batch: RowBatch, timestamp: Int64) throws {
            for i in 0..<batch.count { buffer.append(contentsOf: (layout.row(batch, i) + "\n").utf8) }
            rows += batch.count
            try flush()
        }

        mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            try StandardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        mutating func close() throws {
            try flush()
            try StandardOutput.write(Array((layout.footer(rows: rows) + "\n").utf8))
        }
    }
}
