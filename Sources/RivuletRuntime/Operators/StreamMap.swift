// map: one output per input.

/// Applies a function to each element.
public final class StreamMap<In: Sendable, Out>: OneInputStreamOperator {
    public let output: Output<Out>
    @usableFromInline let function: @Sendable (In) throws -> Out

    @inlinable
    public init(_ function: @escaping @Sendable (In) throws -> Out, output: Output<Out>) {
        self.function = function
        self.output = output
    }

    @inlinable
    public func processElement(_ value: In, timestamp: Int64) throws {
        try output.record(try function(value), timestamp)
    }
}
