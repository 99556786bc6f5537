// Forwards every record unchanged: the node behind union().

/// The union node: several inputs of one type, one output.
public final class PassThroughOperator<T: Sendable>: OneInputStreamOperator {
    public let output: Output<T>

    @inlinable
    public init(output: Output<T>) {
        self.output = output
    }

    @inlinable
    public func processElement(_ value: T, timestamp: Int64) throws {
        try output.record(value, timestamp)
    }
}
