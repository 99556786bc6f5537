// filter: keeps the elements a predicate accepts.

/// Forwards the elements for which the predicate is true.
public final class StreamFilter<T: Sendable>: OneInputStreamOperator {
    public let output: Output<T>
    @usableFromInline let predicate: @Sendable (T) throws -> Bool

    @inlinable
    public init(_ predicate: @escaping @Sendable (T) throws -> Bool, output: Output<T>) {
        self.predicate = predicate
        self.output = output
    }

    @inlinable
    public func processElement(_ value: T, timestamp: Int64) throws {
        if try predicate(value) { try output.record(value, timestamp) }
    }
}
