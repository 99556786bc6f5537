// Hosts a SinkWriter at the end of a chain.

/// Passes every record to a `SinkWriter`.
public final class SinkOperator<W: SinkWriter>: OneInputStreamOperator where W.Input: Sendable {
    public typealias In = W.Input
    public let output: Output<Never>
    @exclusivity(unchecked) @usableFromInline var writer: W
    @usableFromInline let context: OperatorContext

    @inlinable
    public init(writer: W, context: OperatorContext, output: Output<Never>) {
        self.writer = writer
        self.context = context
        self.output = output
    }

    @inlinable public func open() throws { try writer.open(context) }
    @inlinable public func processElement(_ value: W.Input, timestamp: Int64) throws {
        try writer.write(value, timestamp: timestamp)
    }
    @inlinable public func processWatermark(_ watermark: Int64) throws {}
    @inlinable public func flush() throws { try writer.flush() }
    @inlinable public func finish() throws { try writer.flush() }
    @inlinable public func close() throws { try writer.close() }
}
