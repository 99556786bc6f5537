// The trigger protocol, its result type and the context through which triggers set timers and keep state.

/// What a trigger tells the window operator to do with a window (Flink's `TriggerResult`).
public enum TriggerResult: Sendable, Hashable {
    /// Do nothing.
    case `continue`
    /// Evaluate the window and emit the result; keep the window contents.
    case fire
    /// Clear the window contents without emitting.
    case purge
    /// Evaluate and emit, then clear the window contents.
    case fireAndPurge

    /// True for `fire` and `fireAndPurge`.
    @inlinable
    public var isFire: Bool {
        switch self {
        case .fire, .fireAndPurge: return true
        case .continue, .purge: return false
        }
    }

    /// True for `purge` and `fireAndPurge`.
    @inlinable
    public var isPurge: Bool {
        switch self {
        case .purge, .fireAndPurge: return true
        case .continue, .fire: return false
        }
    }
}

/// What the window operator offers a trigger for one (key, window): clocks, timers and a few named Int64 state slots.
public protocol TriggerContext {
    /// The current event-time watermark.
    var currentWatermark: Int64 { get }
    /// The current processing time.
    var currentProcessingTime: Int64 { get }
    /// Registers an event-time timer for the current key and window.
    mutating func registerEventTimeTimer(_ time: Int64)
    /// Deletes an event-time timer for the current key and window.
    mutating func deleteEventTimeTimer(_ time: Int64)
    /// Registers a processing-time timer for the current key and window.
    mutating func registerProcessingTimeTimer(_ time: Int64)
    /// Deletes a processing-time timer for the current key and window.
    mutating func deleteProcessingTimeTimer(_ time: Int64)
    /// A per-(key, window) Int64 slot of trigger state, by name (e.g. CountTrigger's count).
    func triggerState(_ name: String) -> Int64?
    /// Sets (or with `nil` clears) a per-(key, window) trigger state slot.
    mutating func setTriggerState(_ name: String, _ value: Int64?)
}

/// Decides when a window is evaluated and purged (Flink's `Trigger`).
///
/// Trigger state lives in the context's named slots, per key and per actual window (not per state window).
public protocol Trigger<W>: Sendable {
    /// The window type this trigger handles.
    associatedtype W: Window

    /// Called for every element added to `window`.
    func onElement<C: TriggerContext>(timestamp: Int64, window: W, context: inout C) -> TriggerResult
    /// Called when an event-time timer registered for `window` fires at `time`.
    func onEventTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult
    /// Called when a processing-time timer registered for `window` fires at `time`.
    func onProcessingTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult
    /// True if the trigger supports merging windows (required by merging assigners).
    var canMerge: Bool { get }
    /// Called when windows merge into `window`, with the context pointing at `window`.
    ///
    /// `mergedTriggerStates[name]` holds the values of state slot `name` of the windows that were merged
    /// (only those that had a value). The operator reads them before calling this and clears the merged
    /// windows afterwards; the trigger combines them with `window`'s own slot, if any, and writes the result.
    func onMerge<C: TriggerContext>(window: W, context: inout C, mergedTriggerStates: [String: [Int64]])
    /// Removes the timers and state the trigger holds for `window`, when the window is purged for good.
    func clear<C: TriggerContext>(window: W, context: inout C)
}

extension Trigger {
    /// By default a trigger cannot merge windows.
    @inlinable
    public var canMerge: Bool { false }

    /// By default merging does nothing; only called on triggers whose `canMerge` is true.
    @inlinable
    public func onMerge<C: TriggerContext>(window: W, context: inout C, mergedTriggerStates: [String: [Int64]]) {}
}
