// Flink's PurgingTrigger: wraps a trigger and purges the window whenever it fires.

/// Runs `nested` and turns every `fire` into `fireAndPurge` (Flink's `PurgingTrigger`).
public struct PurgingTrigger<Inner: Trigger>: Trigger {
    /// The window type of the wrapped trigger.
    public typealias W = Inner.W

    /// The wrapped trigger.
    public let nested: Inner

    /// Wraps `nested`.
    @inlinable
    public init(_ nested: Inner) {
        self.nested = nested
    }

    /// Wraps `nested` (Flink's `PurgingTrigger.of`).
    @inlinable
    public static func of(_ nested: Inner) -> PurgingTrigger<Inner> { PurgingTrigger(nested) }

    @inlinable
    static func purging(_ result: TriggerResult) -> TriggerResult {
        result.isFire ? .fireAndPurge : result
    }

    /// The nested result, with firing turned into firing and purging.
    @inlinable
    public func onElement<C: TriggerContext>(timestamp: Int64, window: W, context: inout C) -> TriggerResult {
        Self.purging(nested.onElement(timestamp: timestamp, window: window, context: &context))
    }

    /// The nested result, with firing turned into firing and purging.
    @inlinable
    public func onEventTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult {
        Self.purging(nested.onEventTime(time, window: window, context: &context))
    }

    /// The nested result, with firing turned into firing and purging.
    @inlinable
    public func onProcessingTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult {
        Self.purging(nested.onProcessingTime(time, window: window, context: &context))
    }

    /// Whether the nested trigger can merge.
    @inlinable
    public var canMerge: Bool { nested.canMerge }

    /// Forwards to the nested trigger.
    @inlinable
    public func onMerge<C: TriggerContext>(window: W, context: inout C, mergedTriggerStates: [String: [Int64]]) {
        nested.onMerge(window: window, context: &context, mergedTriggerStates: mergedTriggerStates)
    }

    /// Forwards to the nested trigger.
    @inlinable
    public func clear<C: TriggerContext>(window: W, context: inout C) {
        nested.clear(window: window, context: &context)
    }
}
