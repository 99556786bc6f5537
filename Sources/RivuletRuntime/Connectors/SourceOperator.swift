// Hosts a SourceReader as the head of a source task's chain.

import RivuletCore

/// Drives a `SourceReader`: the task polls it, records go into the chain. At a checkpoint its
/// unread splits go into operator state; a restore continues from them.
public final class SourceOperator<R: SourceReader>: CheckpointListener {
    @exclusivity(unchecked) @usableFromInline var reader: R
    @usableFromInline let output: Output<R.Output>
    @usableFromInline let context: OperatorContext
    /// Name of the operator list state that holds the splits.
    static var splitsStateName: String { "_source-splits" }

    @inlinable
    public init(reader: R, context: OperatorContext, output: Output<R.Output>) {
        self.reader = reader
        self.context = context
        self.output = output
    }

    @usableFromInline
    func open() throws {
        try reader.open(context)
        let restored = context.restored?.lists[Self.splitsStateName] != nil
        let state = try context.operatorState.listState(Self.splitsStateName, of: R.Split.self)
        if restored { try reader.restore(splits: state.get()) }
        context.addCheckpointListener(self)
    }

    public func prepareSnapshot(checkpointID: Int64) throws {
        guard let splits = reader.currentSplits() else { return }
        try context.operatorState.listState(Self.splitsStateName, of: R.Split.self).update(splits)
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
            open: { [self] in try self.open() },
            finish: {},
            flush: {},
            close: { [self] in try self.reader.close() },
            source: SourceDriver(poll: { [self] in try self.reader.pollNext { try output.record($0, $1) } }))
    }
}
