// Runs a ProcessFunction on a non-keyed stream.

/// Hosts a `ProcessFunction`: element context, side outputs, open/close.
public final class ProcessOperator<F: ProcessFunction>: OneInputStreamOperator {
    public typealias In = F.Input
    public let output: Output<F.Output>
    @usableFromInline let function: TaskConfined<F>
    @usableFromInline let collector: Collector<F.Output>
    @usableFromInline let context: ProcessContext
    @usableFromInline let runtime: RuntimeContext

    @inlinable
    public init(_ function: F, operatorContext: OperatorContext, output: Output<F.Output>) {
        self.function = TaskConfined(function)
        self.output = output
        self.collector = Collector(output)
        self.context = ProcessContext(side: output.side, processingTime: operatorContext.processingTimeService)
        self.runtime = RuntimeContext(operatorContext)
    }

    @inlinable public func open() throws { try function.value.open(runtime) }
    @inlinable public func close() throws { try function.value.close() }

    @inlinable
    public func processElement(_ value: F.Input, timestamp: Int64) throws {
        collector.timestamp = timestamp
        context._timestamp = timestamp == Int64.min ? nil : timestamp
        try function.value.processElement(value, context, collector)
    }

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
        context._currentWatermark = watermark
        try output.watermark(watermark)
    }
}
