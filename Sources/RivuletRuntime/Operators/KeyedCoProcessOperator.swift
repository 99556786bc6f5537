// Runs a KeyedCoProcessFunction over two streams keyed by the same key type.

import RivuletCore

/// Hosts a `KeyedCoProcessFunction`: shared keyed state and timers for both inputs.
public final class KeyedCoProcessOperator<F: KeyedCoProcessFunction>: TwoInputStreamOperator {
    public typealias In1 = F.Input1
    public typealias In2 = F.Input2
    public let output: Output<F.Output>
    public var watermarks = TwoInputWatermarks()
    @exclusivity(unchecked) @usableFromInline var function: F
    @usableFromInline let key1: @Sendable (F.Input1) -> F.Key
    @usableFromInline let key2: @Sendable (F.Input2) -> F.Key
    @usableFromInline let services: KeyedOperatorServices<F.Key, F.Output>

    @inlinable
    public init(
        _ function: F, key1: @escaping @Sendable (F.Input1) -> F.Key, key2: @escaping @Sendable (F.Input2) -> F.Key,
        operatorContext: OperatorContext, output: Output<F.Output>
    ) throws {
        self.function = function
        self.key1 = key1
        self.key2 = key2
        self.output = output
        self.services = try KeyedOperatorServices(operatorContext: operatorContext, output: output)
        services.timers.onEventTime = { [unowned self] timer in try self.fire(timer, domain: .eventTime) }
        services.timers.onProcessingTime = { [unowned self] timer in try self.fire(timer, domain: .processingTime) }
    }

    @inlinable public func open() throws { try function.open(services.runtime) }
    @inlinable public func close() throws { try function.close() }

    @inlinable
    public func processElement1(_ value: F.Input1, timestamp: Int64) throws {
        services.setCurrent(key: key1(value), timestamp: timestamp)
        try function.processElement1(value, services.context, services.collector)
    }

    @inlinable
    public func processElement2(_ value: F.Input2, timestamp: Int64) throws {
        services.setCurrent(key: key2(value), timestamp: timestamp)
        try function.processElement2(value, services.context, services.collector)
    }

    @inlinable
    public func advanceWatermark(_ watermark: Int64) throws {
        try services.timers.advanceWatermark(watermark)
        try output.watermark(watermark)
    }

    @inlinable
    func fire(_ timer: TimerEntry<F.Key, VoidNamespace>, domain: TimeDomain) throws {
        try services.onTimer(timer, domain: domain) {
            try function.onTimer(timer.timestamp, services.context, services.collector)
        }
    }
}
