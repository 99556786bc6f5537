// flatMap: any number of outputs per input, through a collector.

/// Calls a function with each element and a collector for its results.
public final class StreamFlatMap<In: Sendable, Out>: OneInputStreamOperator {
    public let output: Output<Out>
    @usableFromInline let function: @Sendable (In, Collector<Out>) throws -> Void
    @usableFromInline let collector: Collector<Out>

    @inlinable
    public init(_ function: @escaping @Sendable (In, Collector<Out>) throws -> Void, output: Output<Out>) {
        self.function = function
        self.output = output
        self.collector = Collector(output)
    }

    @inlinable
    public func processElement(_ value: In, timestamp: Int64) throws {
        collector.timestamp = timestamp
        try function(value, collector)
    }
}
