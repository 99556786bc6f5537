// Flink's EventTimeTrigger: fires a time window once the watermark passes its end.

/// Fires once the watermark passes `window.maxTimestamp`, at once if it already has (Flink's `EventTimeTrigger`).
public struct EventTimeTrigger: Trigger {
    /// Creates the trigger.
    @inlinable
    public init() {}

    /// The trigger (Flink's `EventTimeTrigger.create()`).
    @inlinable
    public static func create() -> EventTimeTrigger { EventTimeTrigger() }

    /// Fires if the watermark is already past the window; otherwise registers an event-time timer at its max timestamp.
    @inlinable
    public func onElement<C: TriggerContext>(timestamp: Int64, window: TimeWindow, context: inout C) -> TriggerResult {
        if window.maxTimestamp <= context.currentWatermark {
            return .fire
        }
        context.registerEventTimeTimer(window.maxTimestamp)
        return .continue
    }

    /// Fires when the timer is the window's max timestamp.
    @inlinable
    public func onEventTime<C: TriggerContext>(_ time: Int64, window: TimeWindow, context: inout C) -> TriggerResult {
        time == window.maxTimestamp ? .fire : .continue
    }

    /// Ignores processing time.
    @inlinable
    public func onProcessingTime<C: TriggerContext>(_ time: Int64, window: TimeWindow, context: inout C) -> TriggerResult {
        .continue
    }

    /// Always `true`.
    @inlinable
    public var canMerge: Bool { true }

    /// Registers the merged window's timer unless the watermark is already past it.
    @inlinable
    public func onMerge<C: TriggerContext>(window: TimeWindow, context: inout C, mergedTriggerStates: [String: [Int64]]) {
        let maxTimestamp = window.maxTimestamp
        if maxTimestamp > context.currentWatermark {
            context.registerEventTimeTimer(maxTimestamp)
        }
    }

    /// Deletes the timer at the window's max timestamp.
    @inlinable
    public func clear<C: TriggerContext>(window: TimeWindow, context: inout C) {
        context.deleteEventTimeTimer(window.maxTimestamp)
    }
}
