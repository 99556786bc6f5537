// Flink's ContinuousEventTimeTrigger: fires a window repeatedly, every interval of event time, and at its end.

/// Fires every `interval` of event time (aligned to multiples of it) and when the watermark passes the window's
/// end (Flink's `ContinuousEventTimeTrigger`). Keeps the next fire time in trigger state slot ``stateName``.
public struct ContinuousEventTimeTrigger<W: Window>: Trigger {
    /// The name of the trigger state slot holding the next fire timestamp.
    public static var stateName: String { "fire-time" }

    /// The firing interval in milliseconds (> 0).
    public let interval: Int64

    /// Creates the trigger; throws ``WindowConfigurationError`` unless `intervalMillis > 0`.
    public init(intervalMillis: Int64) throws {
        try WindowConfigurationError.checkPositive(intervalMillis, "interval", in: "ContinuousEventTimeTrigger")
        self.interval = intervalMillis
    }

    /// A trigger firing every `interval` of event time (Flink's `ContinuousEventTimeTrigger.of`); throws unless `interval > 0`.
    public static func of(_ interval: Duration) throws -> ContinuousEventTimeTrigger<W> {
        try ContinuousEventTimeTrigger(intervalMillis: interval.milliseconds)
    }

    /// Fires if the watermark is past the window; otherwise registers the end-of-window timer and,
    /// if none is pending, the next interval timer.
    @inlinable
    public func onElement<C: TriggerContext>(timestamp: Int64, window: W, context: inout C) -> TriggerResult {
        if window.maxTimestamp <= context.currentWatermark {
            return .fire
        }
        context.registerEventTimeTimer(window.maxTimestamp)
        if context.triggerState(Self.stateName) == nil {
            registerNextFireTimestamp(after: timestamp &- timestamp % interval, window: window, context: &context)
        }
        return .continue
    }

    /// Fires at the window's end, and at the pending interval timer (registering the next one).
    @inlinable
    public func onEventTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult {
        if time == window.maxTimestamp {
            return .fire
        }
        if let fireTimestamp = context.triggerState(Self.stateName), fireTimestamp == time {
            context.setTriggerState(Self.stateName, nil)
            registerNextFireTimestamp(after: time, window: window, context: &context)
            return .fire
        }
        return .continue
    }

    /// Ignores processing time.
    @inlinable
    public func onProcessingTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult {
        .continue
    }

    /// Always `true`.
    @inlinable
    public var canMerge: Bool { true }

    /// Keeps the earliest pending fire time of the merged windows and registers a timer for it.
    @inlinable
    public func onMerge<C: TriggerContext>(window: W, context: inout C, mergedTriggerStates: [String: [Int64]]) {
        var next = context.triggerState(Self.stateName)
        for value in mergedTriggerStates[Self.stateName] ?? [] {
            next = Swift.min(next ?? value, value)
        }
        guard let next else { return }
        context.setTriggerState(Self.stateName, next)
        context.registerEventTimeTimer(next)
    }

    /// Deletes the pending interval timer and its state (like Flink, leaves the end-of-window timer).
    @inlinable
    public func clear<C: TriggerContext>(window: W, context: inout C) {
        if let fireTimestamp = context.triggerState(Self.stateName) {
            context.deleteEventTimeTimer(fireTimestamp)
            context.setTriggerState(Self.stateName, nil)
        }
    }

    @inlinable
    func registerNextFireTimestamp<C: TriggerContext>(after time: Int64, window: W, context: inout C) {
        let (sum, overflow) = time.addingReportingOverflow(interval)
        let next = Swift.min(overflow ? Int64.max : sum, window.maxTimestamp)
        context.setTriggerState(Self.stateName, next)
        context.registerEventTimeTimer(next)
    }
}
