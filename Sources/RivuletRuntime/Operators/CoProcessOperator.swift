// Runs a CoProcessFunction over two connected non-keyed streams.

/// Hosts a `CoProcessFunction`.
public final class CoProcessOperator<F: CoProcessFunction>: TwoInputStreamOperator {
    public typealias In1 = F.Input1
    public typealias In2 = F.Input2
    public let output: Output<F.Output>
    public var watermarks = TwoInputWatermarks()
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
    public func processElement1(_ value: F.Input1, timestamp: Int64) throws {
        services.setCurrent(timestamp: timestamp)
        try function.processElement1(value, services.context, services.collector)
    }

    @inlinable
    public func processElement2(_ value: F.Input2, timestamp: Int64) throws {
        services.setCurrent(timestamp: timestamp)
        try function.processElement2(value, services.context, services.collector)
    }

    @inlinable
    public func advanceWatermark(_ watermark: Int64) throws {
        services.context._currentWatermark = watermark
        try output.watermark(watermark)
    }
}
