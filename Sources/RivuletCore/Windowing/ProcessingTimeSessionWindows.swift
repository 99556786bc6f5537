// Flink's ProcessingTimeSessionWindows: merging processing time session windows separated by gaps of inactivity.

/// Assigns each element to the window `[t, t + gap)` of its processing time `t` and merges windows that intersect,
/// so a session closes after `gap` without elements (Flink's `ProcessingTimeSessionWindows`).
public struct ProcessingTimeSessionWindows: MergingWindowAssigner {
    /// The session gap (timeout) in milliseconds (> 0).
    public let gap: Int64

    /// Creates the assigner; throws ``WindowConfigurationError`` unless `gap > 0`.
    public init(gapMillis: Int64) throws {
        try WindowConfigurationError.checkPositive(gapMillis, "gap", in: "ProcessingTimeSessionWindows")
        self.gap = gapMillis
    }

    /// Session windows closing after `gap` of inactivity; throws if `gap` is not positive.
    public static func withGap(_ gap: Duration) throws -> ProcessingTimeSessionWindows {
        try ProcessingTimeSessionWindows(gapMillis: gap.milliseconds)
    }

    /// Calls `body` with the window `[t, t + gap)` for the element's processing time `t`.
    /// The element timestamp is ignored: `currentProcessingTime` decides.
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (TimeWindow) throws -> Void) rethrows {
        let time = currentProcessingTime
        let (end, overflow) = time.addingReportingOverflow(gap)
        try body(TimeWindow(start: time, end: overflow ? Int64.max : end))
    }

    /// Merges intersecting windows with `TimeWindow.mergeWindows`.
    @inlinable
    public func mergeWindows(_ windows: [TimeWindow], _ merge: ([TimeWindow], TimeWindow) throws -> Void) rethrows {
        try TimeWindow.mergeWindows(windows, merge)
    }

    /// Always `false`: windows follow processing time.
    @inlinable
    public var isEventTime: Bool { false }

    /// `ProcessingTimeTrigger()`, Flink's default.
    @inlinable
    public var defaultTrigger: ProcessingTimeTrigger { ProcessingTimeTrigger() }
}
