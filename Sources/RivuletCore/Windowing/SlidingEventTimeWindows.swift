// Flink's SlidingEventTimeWindows: fixed-size event time windows that overlap by sliding every `slide`.

/// Assigns each element to every window of length `size` that starts at a multiple of `slide` (plus `offset`)
/// and contains the element's event time (Flink's `SlidingEventTimeWindows`); about `size / slide` windows per element.
public struct SlidingEventTimeWindows: WindowAssigner {
    /// The window length in milliseconds (> 0).
    public let size: Int64
    /// How often a new window starts, in milliseconds (> 0).
    public let slide: Int64
    /// The alignment offset in milliseconds (`abs(offset) < slide`).
    public let offset: Int64

    /// Creates the assigner; throws ``WindowConfigurationError`` unless `size > 0`, `slide > 0` and `abs(offset) < slide`.
    public init(sizeMillis: Int64, slideMillis: Int64, offsetMillis: Int64 = 0) throws {
        try WindowConfigurationError.checkPositive(sizeMillis, "size", in: "SlidingEventTimeWindows")
        try WindowConfigurationError.checkPositive(slideMillis, "slide", in: "SlidingEventTimeWindows")
        try WindowConfigurationError.checkOffset(offsetMillis, lessThan: slideMillis, boundName: "slide", in: "SlidingEventTimeWindows")
        self.size = sizeMillis
        self.slide = slideMillis
        self.offset = offsetMillis
    }

    /// Sliding windows of `size` starting every `slide`, shifted by `offset`; throws on invalid arguments.
    public static func of(size: Duration, slide: Duration, offset: Duration = .zero) throws -> SlidingEventTimeWindows {
        try SlidingEventTimeWindows(sizeMillis: size.milliseconds, slideMillis: slide.milliseconds, offsetMillis: offset.milliseconds)
    }

    /// Calls `body` for each window containing the element's event time, latest start first (Flink's order).
    /// An element without a timestamp (`StreamTime.noTimestamp`, `Int64.min`) is assigned to no window (Flink throws here).
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (TimeWindow) throws -> Void) rethrows {
        guard timestamp != Int64.min else { return }
        let time = timestamp
        let (low, lowOverflow) = time.subtractingReportingOverflow(size)
        let lowerBound = lowOverflow ? Int64.min : low
        var start = TimeWindow.windowStart(timestamp: time, offset: offset, windowSize: slide)
        while start > lowerBound {
            let (end, overflow) = start.addingReportingOverflow(size)
            try body(TimeWindow(start: start, end: overflow ? Int64.max : end))
            let (next, nextOverflow) = start.subtractingReportingOverflow(slide)
            if nextOverflow { break }
            start = next
        }
    }

    /// Always `true`: windows follow event time.
    @inlinable
    public var isEventTime: Bool { true }

    /// `EventTimeTrigger()`, Flink's default.
    @inlinable
    public var defaultTrigger: EventTimeTrigger { EventTimeTrigger() }
}
