// What every keyed operator with user functions needs: state backend, timers, context, collector.

import RivuletCore

/// The keyed state backend, timer service, element context, collector and runtime context of
/// one keyed operator subtask (shared by the keyed process and keyed co-process operators).
public final class KeyedOperatorServices<K: StreamKey, Out> {
    public let backend: KeyedStateBackend<K>
    public let timers: InternalTimerService<K, VoidNamespace>
    public let context: KeyedContext<K>
    public let collector: Collector<Out>
    public let runtime: KeyedRuntimeContext<K>

    @inlinable
    public init(operatorContext: OperatorContext, output: Output<Out>) throws {
        backend = try KeyedStateBackend<K>(context: operatorContext)
        timers = InternalTimerService(processingTimeService: operatorContext.processingTimeService)
        context = KeyedContext(timers: timers, side: output.side)
        collector = Collector(output)
        runtime = KeyedRuntimeContext(operatorContext, backend: backend)
        try backend.registerTimers("_timers", timers)
    }

    /// Makes `key` current for state, context and output timestamps.
    @inlinable
    public func setCurrent(key: K, timestamp: Int64) {
        backend.setCurrentKey(key)
        context.key = key
        context._timestamp = timestamp == Int64.min ? nil : timestamp
        collector.timestamp = timestamp
    }

    /// Prepares the context for a firing timer; `fire` calls the user's onTimer.
    @inlinable
    public func onTimer(_ timer: TimerEntry<K, VoidNamespace>, domain: TimeDomain, _ fire: () throws -> Void) throws {
        setCurrent(key: timer.key, timestamp: domain == .eventTime ? timer.timestamp : Int64.min)
        context._timeDomain = domain
        defer { context._timeDomain = .eventTime }
        try fire()
    }
}
