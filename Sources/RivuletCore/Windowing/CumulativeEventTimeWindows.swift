// Flink SQL's cumulative windows: windows that start together and grow by a step until a
// maximum size.

/// Assigns each element, by event time, to every window that starts at the beginning of its
/// `maxSize` period (aligned to the epoch plus `offset`), ends `step`, `2 * step`, ...,
/// `maxSize` later, and contains the element (Flink's `CumulativeWindowAssigner`, the
/// `CUMULATE` window table function). An element falls in up to `maxSize / step` windows.
public struct CumulativeEventTimeWindows: WindowAssigner {
    /// How much each window is longer than the previous one, in milliseconds (> 0).
    public let step: Int64
    /// The length of the last, largest window, in milliseconds: a whole multiple of `step`.
    public let maxSize: Int64
    /// The alignment offset in milliseconds (`abs(offset) < step`).
    public let offset: Int64

    /// Creates the assigner; throws ``WindowConfigurationError`` unless `step > 0`, `maxSize`
    /// is a positive whole multiple of it and `abs(offset) < step`.
    public init(stepMillis: Int64, maxSizeMillis: Int64, offsetMillis: Int64 = 0) throws {
        try WindowConfigurationError.checkPositive(stepMillis, "step", in: "CumulativeEventTimeWindows")
        try WindowConfigurationError.checkPositive(maxSizeMillis, "maximum size", in: "CumulativeEventTimeWindows")
        try WindowConfigurationError.checkOffset(offsetMillis, lessThan: stepMillis, boundName: "step", in: "CumulativeEventTimeWindows")
        guard maxSizeMillis % stepMillis == 0 else {
            throw WindowConfigurationError(
                component: "CumulativeEventTimeWindows", parameter: "maximum size", value: maxSizeMillis,
                requirement: "a whole multiple of the step (\(stepMillis) ms)")
        }
        self.step = stepMillis
        self.maxSize = maxSizeMillis
        self.offset = offsetMillis
    }

    /// Calls `body` for each window containing the element's event time, smallest first.
    /// An element without a timestamp (`Int64.min`) is assigned to no window.
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (TimeWindow) throws -> Void) rethrows {
        guard timestamp != Int64.min else { return }
        let start = TimeWindow.windowStart(timestamp: timestamp, offset: offset, windowSize: maxSize)
        let (last, overflow) = start.addingReportingOverflow(maxSize)
        let lastEnd = overflow ? Int64.max : last
        var end = TimeWindow.windowStart(timestamp: timestamp, offset: offset, windowSize: step) &+ step
        while end <= lastEnd {
            try body(TimeWindow(start: start, end: end))
            let (next, nextOverflow) = end.addingReportingOverflow(step)
            if nextOverflow { break }
            end = next
        }
    }

    /// Always `true`: windows follow event time.
    @inlinable
    public var isEventTime: Bool { true }

    /// `EventTimeTrigger()`: each window fires when the watermark passes its end.
    @inlinable
    public var defaultTrigger: EventTimeTrigger { EventTimeTrigger() }
}
