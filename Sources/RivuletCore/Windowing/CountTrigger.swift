// Flink's CountTrigger: fires a window every time it has received a given number of elements.

/// Fires once `count` elements have arrived in a window since the last firing, then starts counting again
/// (Flink's `CountTrigger`). Keeps the count in trigger state slot ``stateName``.
public struct CountTrigger<W: Window>: Trigger {
    /// The name of the trigger state slot holding the running count.
    public static var stateName: String { "count" }

    /// The number of elements after which the trigger fires.
    public let count: Int64

    /// Creates a trigger firing every `count` elements (like Flink, a `count` of 1 or less fires on every element).
    @inlinable
    public init(_ count: Int64) {
        self.count = count
    }

    /// A trigger firing every `count` elements (Flink's `CountTrigger.of`).
    @inlinable
    public static func of(_ count: Int64) -> CountTrigger<W> { CountTrigger(count) }

    /// Counts the element; fires and resets the count when it reaches `count`.
    @inlinable
    public func onElement<C: TriggerContext>(timestamp: Int64, window: W, context: inout C) -> TriggerResult {
        let seen = (context.triggerState(Self.stateName) ?? 0) &+ 1
        if seen >= count {
            context.setTriggerState(Self.stateName, nil)
            return .fire
        }
        context.setTriggerState(Self.stateName, seen)
        return .continue
    }

    /// Ignores event time.
    @inlinable
    public func onEventTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult {
        .continue
    }

    /// Ignores processing time.
    @inlinable
    public func onProcessingTime<C: TriggerContext>(_ time: Int64, window: W, context: inout C) -> TriggerResult {
        .continue
    }

    /// Always `true`.
    @inlinable
    public var canMerge: Bool { true }

    /// Sums the counts of the merged windows into the merged window's count.
    @inlinable
    public func onMerge<C: TriggerContext>(window: W, context: inout C, mergedTriggerStates: [String: [Int64]]) {
        let own = context.triggerState(Self.stateName)
        guard let merged = mergedTriggerStates[Self.stateName], !merged.isEmpty else { return }
        var total = own ?? 0
        for value in merged { total &+= value }
        context.setTriggerState(Self.stateName, total)
    }

    /// Clears the count.
    @inlinable
    public func clear<C: TriggerContext>(window: W, context: inout C) {
        context.setTriggerState(Self.stateName, nil)
    }
}
