// Hosts a sink writer that commits in two phases, tied to checkpoints (exactly-once output).

import RivuletCore

/// A sink writer with transactions: records go into an open transaction, which is
/// pre-committed at a checkpoint barrier and committed when that checkpoint completes
/// (Flink's TwoPhaseCommittingSink). Without checkpointing, `close` commits everything.
public protocol TwoPhaseCommittingSinkWriter: SinkWriter {
    /// What it takes to commit one pre-committed transaction (stored in checkpoints).
    associatedtype Committable: BinaryCodable
    /// Closes the open transaction for checkpoint `checkpointID`; returns every pre-committed
    /// transaction not committed yet.
    mutating func preCommit(checkpointID: Int64) throws -> [Committable]
    /// Commits the transactions pre-committed for checkpoints up to `checkpointID`.
    mutating func commit(upTo checkpointID: Int64) throws
    /// After a restore: commits `committables` (idempotently: some may be committed already)
    /// and discards what failed runs left uncommitted.
    mutating func recover(_ committables: [Committable]) throws
}

/// Runs a `TwoPhaseCommittingSinkWriter`: pre-commits at barriers, keeps the pending
/// committables in union operator state, commits on checkpoint completion and on restore.
public final class TwoPhaseCommitSinkOperator<W: TwoPhaseCommittingSinkWriter>: OneInputStreamOperator, CheckpointListener
where W.Input: Sendable {
    public typealias In = W.Input
    public let output: Output<Never>
    @exclusivity(unchecked) @usableFromInline var writer: W
    @usableFromInline let context: OperatorContext
    static var stateName: String { "_pending-commits" }

    @inlinable
    public init(writer: W, context: OperatorContext, output: Output<Never>) {
        self.writer = writer
        self.context = context
        self.output = output
    }

    public func open() throws {
        try writer.open(context)
        let state = try context.operatorState.listState(Self.stateName, of: W.Committable.self, distribution: .union)
        if context.restored != nil {
            try writer.recover(state.get())
            state.clear()
        }
        context.addCheckpointListener(self)
    }

    @inlinable public func processElement(_ value: W.Input, timestamp: Int64) throws {
        try writer.write(value, timestamp: timestamp)
    }
    @inlinable public func processWatermark(_ watermark: Int64) throws {}
    @inlinable public func flush() throws { try writer.flush() }
    @inlinable public func finish() throws { try writer.flush() }
    @inlinable public func close() throws { try writer.close() }

    public func prepareSnapshot(checkpointID: Int64) throws {
        let pending = try writer.preCommit(checkpointID: checkpointID)
        try context.operatorState.listState(Self.stateName, of: W.Committable.self, distribution: .union).update(pending)
    }

    public func notifyCheckpointComplete(_ checkpointID: Int64) throws {
        try writer.commit(upTo: checkpointID)
    }
}
