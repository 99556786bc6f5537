// Flink's TumblingProcessingTimeWindows: fixed-size, non-overlapping processing time windows.

/// Assigns each element to one window of fixed `size`, aligned to the epoch plus `offset`, by processing time
/// (Flink's `TumblingProcessingTimeWindows`). Windows are `[start, start + size)`.
public struct TumblingProcessingTimeWindows: WindowAssigner {
    /// The window length in milliseconds (> 0).
    public let size: Int64
    /// The alignment offset in milliseconds (`abs(offset) < size`).
    public let offset: Int64

    /// Creates the assigner; throws ``WindowConfigurationError`` unless `size > 0` and `abs(offset) < size`.
    public init(sizeMillis: Int64, offsetMillis: Int64 = 0) throws {
        try WindowConfigurationError.checkPositive(sizeMillis, "size", in: "TumblingProcessingTimeWindows")
        try WindowConfigurationError.checkOffset(offsetMillis, lessThan: sizeMillis, boundName: "size", in: "TumblingProcessingTimeWindows")
        self.size = sizeMillis
        self.offset = offsetMillis
    }

    /// Tumbling windows of `size`, shifted by `offset` (e.g. `.seconds(-8 * 3600)` for days in UTC+8); throws on invalid arguments.
    public static func of(size: Duration, offset: Duration = .zero) throws -> TumblingProcessingTimeWindows {
        try TumblingProcessingTimeWindows(sizeMillis: size.milliseconds, offsetMillis: offset.milliseconds)
    }

    /// Calls `body` with the single window containing the element's processing time.
    /// The element timestamp is ignored: `currentProcessingTime` decides.
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (TimeWindow) throws -> Void) rethrows {
        let time = currentProcessingTime
        let start = TimeWindow.windowStart(timestamp: time, offset: offset, windowSize: size)
        let (end, overflow) = start.addingReportingOverflow(size)
        try body(TimeWindow(start: start, end: overflow ? Int64.max : end))
    }

    /// Always `false`: windows follow processing time.
    @inlinable
    public var isEventTime: Bool { false }

    /// `ProcessingTimeTrigger()`, Flink's default.
    @inlinable
    public var defaultTrigger: ProcessingTimeTrigger { ProcessingTimeTrigger() }
}
