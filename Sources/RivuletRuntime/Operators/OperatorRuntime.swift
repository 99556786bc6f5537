// The type-erased face of one built operator: closures its chain and task call.

import RivuletCore

/// One operator instance as the task sees it. Every closure was created where the record
/// types are concrete, so calling it runs specialised code.
public final class OperatorRuntime {
    public let name: String
    /// Per input: processes a `RecordBatch<In>` (used when the operator is a chain head).
    public let batchInputs: [(AnyObject) throws -> Void]
    /// Per input: the record entry (a pointer to an `In`), for chaining.
    public let recordInputs: [RecordInput]
    /// Per input: the name of the record type the input takes (checked when chaining).
    public let inputTypeNames: [String]
    /// Per input: a watermark arrives.
    public let watermarkInputs: [(Int64) throws -> Void]
    /// Per input: the watermark status changes.
    public let statusInputs: [(WatermarkStatus) throws -> Void]
    public let open: () throws -> Void
    /// All input ended: emit what is pending (after the final watermark).
    public let finish: () throws -> Void
    /// The task is idle or finishing: write out buffered output (sinks).
    public let flush: () throws -> Void
    public let close: () throws -> Void
    /// A source's poll, when this operator is a source.
    public let source: SourceDriver?

    public init(
        name: String,
        batchInputs: [(AnyObject) throws -> Void],
        recordInputs: [RecordInput],
        inputTypeNames: [String],
        watermarkInputs: [(Int64) throws -> Void],
        statusInputs: [(WatermarkStatus) throws -> Void],
        open: @escaping () throws -> Void,
        finish: @escaping () throws -> Void,
        flush: @escaping () throws -> Void,
        close: @escaping () throws -> Void,
        source: SourceDriver? = nil
    ) {
        self.name = name
        self.batchInputs = batchInputs
        self.recordInputs = recordInputs
        self.inputTypeNames = inputTypeNames
        self.watermarkInputs = watermarkInputs
        self.statusInputs = statusInputs
        self.open = open
        self.finish = finish
        self.flush = flush
        self.close = close
        self.source = source
    }
}

/// What a source reports after one poll.
public enum SourcePollResult: Sendable, Equatable {
    /// More records are available now.
    case moreAvailable
    /// Nothing now; poll again at this processing time (ms) or when mail arrives.
    case nothingAvailable(retryAt: Int64)
    /// The source is bounded and has emitted everything.
    case endOfInput
}

/// Drives a source operator from its task loop.
public struct SourceDriver {
    /// Emits up to a batch of records and reports whether more are available. A source that
    /// reports `.endOfInput` gets the final watermark, whether it is bounded or was closed.
    public let poll: () throws -> SourcePollResult

    public init(poll: @escaping () throws -> SourcePollResult) {
        self.poll = poll
    }
}

/// An internal invariant of the runtime did not hold (a bug, never bad input).
public struct RuntimeInvariantError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
