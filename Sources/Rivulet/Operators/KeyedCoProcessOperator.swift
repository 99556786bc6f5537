// Runs a KeyedCoProcessFunction over two streams keyed by the same key type.

import RivuletCore

/// Hosts a `KeyedCoProcessFunction`: shared keyed state and timers for both inputs.
public final class KeyedCoProcessOperator<F: KeyedCoProcessFunction>: TwoInputStreamOperator {
    public typealias In1 = F.Input1
    public typealias In2 = F.Input2
    public let output: Output<F.Output>
    public var watermarks = TwoInputWatermarks()
    @usableFromInline let function: TaskConfined<F>
    @usableFromInline let key1: @Sendable (F.Input1) -> F.Key
    @usableFromInline let key2: @Sendable (F.Input2) -> F.Key
    @usableFromInline let backend: KeyedStateBackend<F.Key>
    @usableFromInline let timers: InternalTimerService<F.Key, VoidNamespace>
    @usableFromInline let context: KeyedContext<F.Key>
    @usableFromInline let collector: Collector<F.Output>
    @usableFromInline let runtime: KeyedRuntimeContext<F.Key>

    @inlinable
    public init(_ function: F, key1: @escaping @Sendable (F.Input1) -> F.Key, key2: @escaping @Sendable (F.Input2) -> F.Key,
                operatorContext: OperatorContext, output: Output<F.Output>) {
        self.function = TaskConfined(function)
        self.key1 = key1
        self.key2 = key2
        self.output = output
        let backend = KeyedStateBackend<F.Key>(operatorName: operatorContext.operatorName,
                                               keyGroupRange: operatorContext.keyGroupRange,
                                               maxParallelism: operatorContext.maxParallelism,
                                               clock: operatorContext.processingTimeService.clock)
        self.backend = backend
        self.timers = InternalTimerService(processingTimeService: operatorContext.processingTimeService)
        self.context = KeyedContext(timers: timers, side: output.side)
        self.collector = Collector(output)
        self.runtime = KeyedRuntimeContext(operatorContext, backend: backend)
        timers.onEventTime = { [unowned self] timer in try self.fire(timer, domain: .eventTime) }
        timers.onProcessingTime = { [unowned self] timer in try self.fire(timer, domain: .processingTime) }
    }

    @inlinable public func open() throws { try function.value.open(runtime) }
    @inlinable public func close() throws { try function.value.close() }

    @inlinable
    func setContext(key: F.Key, timestamp: Int64) {
        backend.setCurrentKey(key)
        context.key = key
        context._timestamp = timestamp == Int64.min ? nil : timestamp
        collector.timestamp = timestamp
    }

    @inlinable
    public func processElement1(_ value: F.Input1, timestamp: Int64) throws {
        setContext(key: key1(value), timestamp: timestamp)
        try function.value.processElement1(value, context, collector)
    }

    @inlinable
    public func processElement2(_ value: F.Input2, timestamp: Int64) throws {
        setContext(key: key2(value), timestamp: timestamp)
        try function.value.processElement2(value, context, collector)
    }

    @inlinable
    public func advanceWatermark(_ watermark: Int64) throws {
        try timers.advanceWatermark(watermark)
        try output.watermark(watermark)
    }

    @inlinable
    func fire(_ timer: TimerEntry<F.Key, VoidNamespace>, domain: TimeDomain) throws {
        setContext(key: timer.key, timestamp: domain == .eventTime ? timer.timestamp : Int64.min)
        context._timeDomain = domain
        try function.value.onTimer(timer.timestamp, context, collector)
        context._timeDomain = .eventTime
    }
}
