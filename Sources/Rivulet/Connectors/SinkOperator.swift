// Hosts a SinkWriter at the end of a chain.

/// Passes every record to a `SinkWriter`.
public final class SinkOperator<W: SinkWriter>: OneInputStreamOperator where W.Input: Sendable {
    public typealias In = W.Input
    public let output: Output<Never>
    @usableFromInline let writer: TaskConfined<W>
    @usableFromInline let context: OperatorContext

    @inlinable
    public init(writer: W, context: OperatorContext, output: Output<Never>) {
        self.writer = TaskConfined(writer)
        self.context = context
        self.output = output
    }

    @inlinable public func open() throws { try writer.value.open(context) }
    @inlinable public func processElement(_ value: W.Input, timestamp: Int64) throws {
        try writer.value.write(value, timestamp: timestamp)
    }
    @inlinable public func processWatermark(_ watermark: Int64) throws {}
    @inlinable public func flush() throws { try writer.value.flush() }
    @inlinable public func finish() throws { try writer.value.flush() }
    @inlinable public func close() throws { try writer.value.close() }
}
