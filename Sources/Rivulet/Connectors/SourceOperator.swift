// Hosts a SourceReader as the head of a source task's chain.

/// Drives a `SourceReader`: the task polls it, records go into the chain.
public final class SourceOperator<R: SourceReader> {
    @exclusivity(unchecked) @usableFromInline var reader: R
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
        let output = self.output
        return OperatorRuntime(
            name: name,
            batchInputs: [],
            recordInputs: [],
            inputTypeNames: [],
            watermarkInputs: [output.watermark],
            statusInputs: [output.status],
            open: { [self] in try self.reader.open(self.context) },
            finish: {},
            flush: {},
            close: { [self] in try self.reader.close() },
            source: SourceDriver(poll: { [self] in try self.reader.pollNext { try output.record($0, $1) } }))
    }
}
