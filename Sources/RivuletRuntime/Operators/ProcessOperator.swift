// Runs a ProcessFunction on a non-keyed stream.

/// Hosts a `ProcessFunction`: element context, side outputs, open/close.
public final class ProcessOperator<F: ProcessFunction>: OneInputStreamOperator {
    public typealias In = F.Input
    public let output: Output<F.Output>
    @exclusivity(unchecked) @usableFromInline var function: F
    @usableFromInline let services: ProcessOperatorServices<F.Output>

    @inlinable
    public init(_ function: F, operatorContext: OperatorContext, output: Output<F.Output>) {
        self.function = function
        self.output = output
        self.services = ProcessOperatorServices(operatorContext: operatorContext, output: output)
    }

    @inlinable public func open() throws { try function.open(services.runtime) }
    @inlinable public func close() throws { try function.close() }

    @inlinable
    public func processElement(_ value: F.Input, timestamp: Int64) throws {
        services.setCurrent(timestamp: timestamp)
        try function.processElement(value, services.context, services.collector)
    }

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
        services.context._currentWatermark = watermark
        try output.watermark(watermark)
    }
}
