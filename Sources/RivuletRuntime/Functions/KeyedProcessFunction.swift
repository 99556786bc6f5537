// A function over each element of a keyed stream with keyed state and timers (Flink's KeyedProcessFunction).

import RivuletCore

/// Which clock fired a timer.
public enum TimeDomain: Sendable {
    case eventTime
    case processingTime
}

/// Processes each element of a keyed stream; may use keyed state and timers.
public protocol KeyedProcessFunction: SendableMetatype {
    associatedtype Key: StreamKey
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    /// Called once per subtask before any element: obtain state handles here.
    mutating func open(_ context: KeyedRuntimeContext<Key>) throws
    mutating func processElement(_ value: Input, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws
    /// A timer registered through the context fired (`context.timeDomain` says which clock).
    mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws
    /// Called after each batch of input elements, before a watermark, timer or checkpoint
    /// barrier is handled: a function may keep what it emits per element and emit it here at
    /// once (the SQL operators emit one row batch per input batch this way).
    mutating func finishBatch(_ out: Collector<Output>) throws
    mutating func close() throws
}

extension KeyedProcessFunction {
    public mutating func open(_ context: KeyedRuntimeContext<Key>) throws {}
    public mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws {}
    @inlinable public mutating func finishBatch(_ out: Collector<Output>) throws {}
    public mutating func close() throws {}
}

/// The context of one element or timer in a keyed function: key, time, timers, side outputs.
public final class KeyedContext<K: StreamKey> {
    @exclusivity(unchecked) @usableFromInline var _timestamp: Int64?
    @exclusivity(unchecked) @usableFromInline var _timeDomain: TimeDomain = .eventTime
    /// The element's (or event-time timer's) timestamp, or nil.
    public var timestamp: Int64? { _timestamp }
    /// Which clock fired the timer being handled (`.eventTime` while processing elements).
    public var timeDomain: TimeDomain { _timeDomain }
    @exclusivity(unchecked) @usableFromInline var key: K?
    @usableFromInline let timers: InternalTimerService<K, VoidNamespace>
    @usableFromInline let side: (String, Any, Int64) throws -> Void

    @inlinable
    init(timers: InternalTimerService<K, VoidNamespace>, side: @escaping (String, Any, Int64) throws -> Void) {
        self.timers = timers
        self.side = side
    }

    /// The key of the element or timer being processed.
    @inlinable
    public var currentKey: K {
        get throws {
            guard let key else { throw StateAccessError("no current key outside processElement/onTimer") }
            return key
        }
    }
    public var currentWatermark: Int64 { timers.currentWatermark }
    public var currentProcessingTime: Int64 { timers.currentProcessingTime() }

    @inlinable public func registerEventTimeTimer(_ time: Int64) throws {
        timers.registerEventTimeTimer(key: try currentKey, namespace: VoidNamespace(), time: time)
    }
    @inlinable public func deleteEventTimeTimer(_ time: Int64) throws {
        timers.deleteEventTimeTimer(key: try currentKey, namespace: VoidNamespace(), time: time)
    }
    @inlinable public func registerProcessingTimeTimer(_ time: Int64) throws {
        timers.registerProcessingTimeTimer(key: try currentKey, namespace: VoidNamespace(), time: time)
    }
    @inlinable public func deleteProcessingTimeTimer(_ time: Int64) throws {
        timers.deleteProcessingTimeTimer(key: try currentKey, namespace: VoidNamespace(), time: time)
    }

    /// Emits `value` to the side output `tag`.
    @inlinable
    public func output<X>(_ tag: OutputTag<X>, _ value: X) throws {
        try side(tag.id, value, _timestamp ?? Int64.min)
    }
}
