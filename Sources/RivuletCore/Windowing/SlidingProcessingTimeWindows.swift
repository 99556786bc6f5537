// Flink's SlidingProcessingTimeWindows: fixed-size processing time windows that overlap by sliding every `slide`.

/// Assigns each element to every window of length `size` that starts at a multiple of `slide` (plus `offset`)
/// and contains the element's processing time (Flink's `SlidingProcessingTimeWindows`); about `size / slide` windows per element.
public struct SlidingProcessingTimeWindows: WindowAssigner {
    /// The window length in milliseconds (> 0).
    public let size: Int64
    /// How often a new window starts, in milliseconds (> 0).
    public let slide: Int64
    /// The alignment offset in milliseconds (`abs(offset) < slide`).
    public let offset: Int64

    /// Creates the assigner; throws ``WindowConfigurationError`` unless `size > 0`, `slide > 0` and `abs(offset) < slide`.
    public init(sizeMillis: Int64, slideMillis: Int64, offsetMillis: Int64 = 0) throws {
        try WindowConfigurationError.checkPositive(sizeMillis, "size", in: "SlidingProcessingTimeWindows")
        try WindowConfigurationError.checkPositive(slideMillis, "slide", in: "SlidingProcessingTimeWindows")
        try WindowConfigurationError.checkOffset(offsetMillis, lessThan: slideMillis, boundName: "slide", in: "SlidingProcessingTimeWindows")
        self.size = sizeMillis
        self.slide = slideMillis
        self.offset = offsetMillis
    }

    /// Sliding windows of `size` starting every `slide`, shifted by `offset`; throws on invalid arguments.
    public static func of(size: Duration, slide: Duration, offset: Duration = .zero) throws -> SlidingProcessingTimeWindows {
        try SlidingProcessingTimeWindows(sizeMillis: size.milliseconds, slideMillis: slide.milliseconds, offsetMillis: offset.milliseconds)
    }

    /// Calls `body` for each window containing the element's processing time, latest start first (Flink's order).
    /// The element timestamp is ignored: `currentProcessingTime` decides.
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (TimeWindow) throws -> Void) rethrows {
        let time = currentProcessingTime
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

    /// Always `false`: windows follow processing time.
    @inlinable
    public var isEventTime: Bool { false }

    /// `ProcessingTimeTrigger()`, Flink's default.
    @inlinable
    public var defaultTrigger: ProcessingTimeTrigger { ProcessingTimeTrigger() }
}
