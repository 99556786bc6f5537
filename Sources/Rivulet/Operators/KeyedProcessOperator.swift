// Runs a KeyedProcessFunction: keyed state, timers, side outputs.

import RivuletCore

/// Hosts a `KeyedProcessFunction` on a keyed stream.
public final class KeyedProcessOperator<F: KeyedProcessFunction>: OneInputStreamOperator {
    public typealias In = F.Input
    public let output: Output<F.Output>
    @usableFromInline let function: TaskConfined<F>
    @usableFromInline let keySelector: @Sendable (F.Input) -> F.Key
    @usableFromInline let backend: KeyedStateBackend<F.Key>
    @usableFromInline let timers: InternalTimerService<F.Key, VoidNamespace>
    @usableFromInline let context: KeyedContext<F.Key>
    @usableFromInline let collector: Collector<F.Output>
    @usableFromInline let runtime: KeyedRuntimeContext<F.Key>

    @inlinable
    public init(_ function: F, keySelector: @escaping @Sendable (F.Input) -> F.Key,
                operatorContext: OperatorContext, output: Output<F.Output>) {
        self.function = TaskConfined(function)
        self.keySelector = keySelector
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
    public func processElement(_ value: F.Input, timestamp: Int64) throws {
        let key = keySelector(value)
        backend.setCurrentKey(key)
        context.key = key
        context._timestamp = timestamp == Int64.min ? nil : timestamp
        collector.timestamp = timestamp
        try function.value.processElement(value, context, collector)
    }

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
        try timers.advanceWatermark(watermark)
        try output.watermark(watermark)
    }

    @inlinable
    func fire(_ timer: TimerEntry<F.Key, VoidNamespace>, domain: TimeDomain) throws {
        backend.setCurrentKey(timer.key)
        context.key = timer.key
        context._timeDomain = domain
        context._timestamp = domain == .eventTime ? timer.timestamp : nil
        collector.timestamp = domain == .eventTime ? timer.timestamp : Int64.min
        try function.value.onTimer(timer.timestamp, context, collector)
        context._timeDomain = .eventTime
    }
}
