// Turns a source of single rows into a source of row batches.

import RivuletRuntime

/// Wraps a source that emits one value per row (a line of a file, an index of a generator)
/// and gathers `append`'s columns into batches of up to `batchRows` rows. Its splits are the
/// wrapped source's, so checkpoints and restores work as they do for that source: every row a
/// poll takes is emitted in that poll's batch.
public struct RowBatchSource<Inner: Source>: Source {
    public typealias Row = Inner.Reader.Output
    public let inner: Inner
    public let kinds: [PhysicalKind]
    /// Which columns (and ROW fields) are read; the others are left NULL. Nil: all.
    public let readColumns: [Int: Set<Int>?]?
    public let append: @Sendable (Row, inout [ColumnBuilder]) throws -> Void
    public static var batchRows: Int { 1024 }

    public init(
        _ inner: Inner, kinds: [PhysicalKind], readColumns: [Int: Set<Int>?]?,
        append: @escaping @Sendable (Row, inout [ColumnBuilder]) throws -> Void
    ) {
        self.inner = inner
        self.kinds = kinds
        self.readColumns = readColumns
        self.append = append
    }

    public var maxSourceParallelism: Int? { inner.maxSourceParallelism }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        let builders = kinds.enumerated().map { i, kind in
            ColumnBuilder(kind, skipped: readColumns.map { $0[i] == nil } ?? false, readFields: readColumns?[i] ?? nil)
        }
        return Reader(inner: try inner.createReader(subtaskIndex: subtaskIndex, parallelism: parallelism), builders: builders, append: append)
    }

    public struct Reader: SourceReader {
        public typealias Output = RowBatch
        public typealias Split = Inner.Reader.Split
        var inner: Inner.Reader
        var builders: [ColumnBuilder]
        let append: @Sendable (Row, inout [ColumnBuilder]) throws -> Void

        public mutating func open(_ context: OperatorContext) throws { try inner.open(context) }
        public mutating func close() throws { try inner.close() }
        public func currentSplits() -> [Split]? { inner.currentSplits() }
        public mutating func restore(splits: [Split]) throws { try inner.restore(splits: splits) }

        public mutating func pollNext(_ emit: (RowBatch, Int64) throws -> Void) throws -> SourcePollResult {
            var columns = builders
            var rows = 0
            var result = SourcePollResult.moreAvailable
            let append = self.append
            while rows < RowBatchSource.batchRows, case .moreAvailable = result {
                result = try inner.pollNext { row, _ in
                    try append(row, &columns)
                    rows += 1
                }
            }
            if rows > 0 {
                let batch = RowBatch(columns: columns.indices.map { columns[$0].finish(rows: rows) }, count: rows)
                try emit(batch, Int64.min)
            }
            builders = columns
            return result
        }
    }
}
