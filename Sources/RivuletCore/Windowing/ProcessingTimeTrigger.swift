// Flink's ProcessingTimeTrigger: fires a time window when the wall clock reaches its end.

/// Fires when processing time reaches `window.maxTimestamp` (Flink's `ProcessingTimeTrigger`).
public struct ProcessingTimeTrigger: Trigger {
    /// Creates the trigger.
    @inlinable
    public init() {}

    /// The trigger (Flink's `ProcessingTimeTrigger.create()`).
    @inlinable
    public static func create() -> ProcessingTimeTrigger { ProcessingTimeTrigger() }

    /// Registers a processing-time timer at the window's max timestamp.
    @inlinable
    public func onElement<C: TriggerContext>(timestamp: Int64, window: TimeWindow, context: inout C) -> TriggerResult {
        context.registerProcessingTimeTimer(window.maxTimestamp)
        return .continue
    }

    /// Ignores event time.
    @inlinable
    public func onEventTime<C: TriggerContext>(_ time: Int64, window: TimeWindow, context: inout C) -> TriggerResult {
        .continue
    }

    /// Fires (the only processing-time timer is the window's end).
    @inlinable
    public func onProcessingTime<C: TriggerContext>(_ time: Int64, window: TimeWindow, context: inout C) -> TriggerResult {
        .fire
    }

    /// Always `true`.
    @inlinable
    public var canMerge: Bool { true }

    /// Registers the merged window's timer unless processing time is already past it.
    @inlinable
    public func onMerge<C: TriggerContext>(window: TimeWindow, context: inout C, mergedTriggerStates: [String: [Int64]]) {
        let maxTimestamp = window.maxTimestamp
        if maxTimestamp > context.currentProcessingTime {
            context.registerProcessingTimeTimer(maxTimestamp)
        }
    }

    /// Deletes the timer at the window's max timestamp.
    @inlinable
    public func clear<C: TriggerContext>(window: TimeWindow, context: inout C) {
        context.deleteProcessingTimeTimer(window.maxTimestamp)
    }
}
