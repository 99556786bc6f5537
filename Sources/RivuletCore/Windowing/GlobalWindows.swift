// Flink's GlobalWindows assigner: every element goes to the single GlobalWindow.

/// Assigns every element to ``GlobalWindow``; needs a custom trigger, since the default ``NeverTrigger`` never fires
/// (Flink's `GlobalWindows`).
public struct GlobalWindows: WindowAssigner {
    /// Creates the assigner.
    @inlinable
    public init() {}

    /// The assigner (Flink's `GlobalWindows.create()`).
    @inlinable
    public static func create() -> GlobalWindows { GlobalWindows() }

    /// Calls `body` once with the global window.
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (GlobalWindow) throws -> Void) rethrows {
        try body(GlobalWindow())
    }

    /// Always `false`, as in Flink.
    @inlinable
    public var isEventTime: Bool { false }

    /// `NeverTrigger()`: the global window fires only with a user trigger.
    @inlinable
    public var defaultTrigger: NeverTrigger { NeverTrigger() }
}
