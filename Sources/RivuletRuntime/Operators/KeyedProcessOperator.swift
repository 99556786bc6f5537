// Runs a KeyedProcessFunction: keyed state, timers, side outputs.

import RivuletCore

/// Hosts a `KeyedProcessFunction` on a keyed stream.
public final class KeyedProcessOperator<F: KeyedProcessFunction>: OneInputStreamOperator {
    public typealias In = F.Input
    public let output: Output<F.Output>
    @exclusivity(unchecked) @usableFromInline var function: F
    @usableFromInline let keySelector: @Sendable (F.Input) -> F.Key
    @usableFromInline let services: KeyedOperatorServices<F.Key, F.Output>

    @inlinable
    public init(
        _ function: F, keySelector: @escaping @Sendable (F.Input) -> F.Key,
        operatorContext: OperatorContext, output: Output<F.Output>
    ) throws {
        self.function = function
        self.keySelector = keySelector
        self.output = output
        self.services = try KeyedOperatorServices(operatorContext: operatorContext, output: output)
        services.timers.onEventTime = { [unowned self] timer in try self.fire(timer, domain: .eventTime) }
        services.timers.onProcessingTime = { [unowned self] timer in try self.fire(timer, domain: .processingTime) }
    }

    @inlinable public func open() throws { try function.open(services.runtime) }
    @inlinable public func close() throws { try function.close() }

    @inlinable
    public func processElement(_ value: F.Input, timestamp: Int64) throws {
        services.setCurrent(key: keySelector(value), timestamp: timestamp)
        try function.processElement(value, services.context, services.collector)
        try function.finishBatch(services.collector)
    }

    /// A batch with the services, context and collector loaded once (each load from `self`
    /// inside the loop cost a retain and a release per record).
    @inlinable
    public func processBatch(_ records: [StreamRecord<F.Input>]) throws {
        let services = self.services, context = services.context, collector = services.collector
        let keySelector = self.keySelector
        for r in records {
            services.setCurrent(key: keySelector(r.value), timestamp: r.timestamp)
            try function.processElement(r.value, context, collector)
        }
        try function.finishBatch(collector)
    }

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
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
