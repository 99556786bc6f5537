// The source contract: a Sendable description that creates one pull-based reader per subtask.

/// Reads records for one subtask. The task calls `pollNext` between its other work
/// (timers, control mail), so a reader never blocks for long.
public protocol SourceReader {
    associatedtype Output: Sendable
    mutating func open(_ context: OperatorContext) throws
    /// Emits at most a batch of records through `emit(value, timestamp)` and reports what is next.
    mutating func pollNext(_ emit: (Output, Int64) throws -> Void) throws -> SourcePollResult
    mutating func close() throws
}

extension SourceReader {
    public mutating func open(_ context: OperatorContext) throws {}
    public mutating func close() throws {}
}

/// A source: configuration shared by all subtasks; each subtask gets its own reader.
public protocol Source: Sendable {
    associatedtype Reader: SourceReader
    /// The highest parallelism the source supports (nil: any).
    var maxSourceParallelism: Int? { get }
    func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader
}

extension Source {
    public var maxSourceParallelism: Int? { nil }
}

/// Records a source emits per poll before the task looks at its mailbox again.
public let sourceRecordsPerPoll = 512
