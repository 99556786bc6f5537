// Flink's GlobalWindows.NeverTrigger: the default trigger of the global window, which never fires.

/// A trigger that never fires; the default of ``GlobalWindows`` (Flink's `GlobalWindows.NeverTrigger`).
public struct NeverTrigger: Trigger {
    /// Creates the trigger.
    @inlinable
    public init() {}

    /// Never fires.
    @inlinable
    public func onElement<C: TriggerContext>(timestamp: Int64, window: GlobalWindow, context: inout C) -> TriggerResult {
        .continue
    }

    /// Never fires.
    @inlinable
    public func onEventTime<C: TriggerContext>(_ time: Int64, window: GlobalWindow, context: inout C) -> TriggerResult {
        .continue
    }

    /// Never fires.
    @inlinable
    public func onProcessingTime<C: TriggerContext>(_ time: Int64, window: GlobalWindow, context: inout C) -> TriggerResult {
        .continue
    }

    /// Holds nothing, so there is nothing to clear.
    @inlinable
    public func clear<C: TriggerContext>(window: GlobalWindow, context: inout C) {}
}
