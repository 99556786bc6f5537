// Flink's TumblingEventTimeWindows: fixed-size, non-overlapping event time windows.

/// Assigns each element to one window of fixed `size`, aligned to the epoch plus `offset`, by event time
/// (Flink's `TumblingEventTimeWindows`). Windows are `[start, start + size)`.
public struct TumblingEventTimeWindows: WindowAssigner {
    /// The window length in milliseconds (> 0).
    public let size: Int64
    /// The alignment offset in milliseconds (`abs(offset) < size`).
    public let offset: Int64

    /// Creates the assigner; throws ``WindowConfigurationError`` unless `size > 0` and `abs(offset) < size`.
    public init(sizeMillis: Int64, offsetMillis: Int64 = 0) throws {
        try WindowConfigurationError.checkPositive(sizeMillis, "size", in: "TumblingEventTimeWindows")
        try WindowConfigurationError.checkOffset(offsetMillis, lessThan: sizeMillis, boundName: "size", in: "TumblingEventTimeWindows")
        self.size = sizeMillis
        self.offset = offsetMillis
    }

    /// Tumbling windows of `size`, shifted by `offset` (e.g. `.seconds(-8 * 3600)` for days in UTC+8); throws on invalid arguments.
    public static func of(size: Duration, offset: Duration = .zero) throws -> TumblingEventTimeWindows {
        try TumblingEventTimeWindows(sizeMillis: size.milliseconds, offsetMillis: offset.milliseconds)
    }

    /// Calls `body` with the single window containing the element's event time.
    /// An element without a timestamp (`StreamTime.noTimestamp`, `Int64.min`) is assigned to no window (Flink throws here).
    @inlinable
    public func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (TimeWindow) throws -> Void) rethrows {
        guard timestamp != Int64.min else { return }
        let time = timestamp
        let start = TimeWindow.windowStart(timestamp: time, offset: offset, windowSize: size)
        let (end, overflow) = start.addingReportingOverflow(size)
        try body(TimeWindow(start: start, end: overflow ? Int64.max : end))
    }

    /// Always `true`: windows follow event time.
    @inlinable
    public var isEventTime: Bool { true }

    /// `EventTimeTrigger()`, Flink's default.
    @inlinable
    public var defaultTrigger: EventTimeTrigger { EventTimeTrigger() }
}
