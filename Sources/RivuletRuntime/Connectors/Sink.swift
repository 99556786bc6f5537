// The sink contract: a Sendable description that creates one writer per subtask.

/// Writes the records of one subtask.
public protocol SinkWriter {
    associatedtype Input
    mutating func open(_ context: OperatorContext) throws
    mutating func write(_ value: Input, timestamp: Int64) throws
    /// Makes buffered records visible (called when the task is idle and at the end).
    mutating func flush() throws
    mutating func close() throws
}

extension SinkWriter {
    public mutating func open(_ context: OperatorContext) throws {}
    public mutating func flush() throws {}
    public mutating func close() throws {}
}

/// A sink: configuration shared by all subtasks; each subtask gets its own writer.
public protocol Sink: Sendable {
    associatedtype Writer: SinkWriter
    func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer
}
