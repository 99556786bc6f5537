// Hosts a SourceReader as the head of a source task's chain.

/// Drives a `SourceReader`: the task polls it, records go into the chain.
public final class SourceOperator<R: SourceReader> {
    @usableFromInline var reader: R
    @usableFromInline let output: Output<R.Output>
    @usableFromInline let context: OperatorContext

    @inlinable
    public init(reader: R, context: OperatorContext, output: Output<R.Output>) {
        self.reader = reader
        self.context = context
        self.output = output
    }

    /// The operator as its task sees it (specialised where `R` is concrete).
    @inlinable
    public func makeRuntime(name: String) -> OperatorRuntime {
        let record = output.record
        return OperatorRuntime(
            name: name,
            batchInputs: [],
            recordInputs: [],
            watermarkInputs: [output.watermark],
            statusInputs: [output.status],
            open: { [self] in try self.reader.open(self.context) },
            finish: {},
            flush: {},
            close: { [self] in try self.reader.close() },
            source: SourceDriver(poll: { [self] in try self.reader.pollNext(record) }, isBounded: reader.isBounded))
    }
}
