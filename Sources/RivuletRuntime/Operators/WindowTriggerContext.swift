// The TriggerContext a window operator hands to its trigger for one key and window.

import RivuletCore

/// Per-(key, window) trigger state slots (for example CountTrigger's count).
public final class TriggerStateTable<K: Hashable, W: Hashable> {
    public var slots: [HeapStateKey<K, W>: [String: Int64]] = [:]
    public init() {}
}

/// Routes a trigger's timer and state calls to the operator's timer service and tables.
/// Made per element and dropped before the operator call that made it returns, while the
/// operator holds both objects: the references need no reference counting.
public struct WindowTriggerContext<K: StreamKey, W: Window>: TriggerContext {
    @usableFromInline unowned(unsafe) let timers: InternalTimerService<K, W>
    @usableFromInline unowned(unsafe) let state: TriggerStateTable<K, W>
    @usableFromInline let key: K
    @usableFromInline let window: W
    /// A timer time known to be registered already for (key, window) in the operator's time
    /// domain (the window's cleanup timer): registering it again is a no-op, skipped cheaply.
    @usableFromInline let registeredTime: Int64?
    @usableFromInline let eventTimeDomain: Bool

    @inlinable
    public init(
        timers: InternalTimerService<K, W>, state: TriggerStateTable<K, W>, key: K, window: W,
        registeredTime: Int64? = nil, eventTimeDomain: Bool = true
    ) {
        self.timers = timers
        self.state = state
        self.key = key
        self.window = window
        self.registeredTime = registeredTime
        self.eventTimeDomain = eventTimeDomain
    }

    @inlinable public var currentWatermark: Int64 { timers.currentWatermark }
    @inlinable public var currentProcessingTime: Int64 { timers.currentProcessingTime() }
    @inlinable public mutating func registerEventTimeTimer(_ time: Int64) {
        if eventTimeDomain && time == registeredTime { return }
        timers.registerEventTimeTimer(key: key, namespace: window, time: time)
    }
    @inlinable public mutating func deleteEventTimeTimer(_ time: Int64) {
        timers.deleteEventTimeTimer(key: key, namespace: window, time: time)
    }
    @inlinable public mutating func registerProcessingTimeTimer(_ time: Int64) {
        if !eventTimeDomain && time == registeredTime { return }
        timers.registerProcessingTimeTimer(key: key, namespace: window, time: time)
    }
    @inlinable public mutating func deleteProcessingTimeTimer(_ time: Int64) {
        timers.deleteProcessingTimeTimer(key: key, namespace: window, time: time)
    }
    @inlinable public func triggerState(_ name: String) -> Int64? {
        state.slots[HeapStateKey(key, window)]?[name]
    }
    @inlinable public mutating func setTriggerState(_ name: String, _ value: Int64?) {
        let k = HeapStateKey(key, window)
        state.slots[k, default: [:]][name] = value
        if state.slots[k]?.isEmpty == true { state.slots[k] = nil }
    }
}
