// Flink's AscendingTimestampsWatermarks: watermarks for timestamps that never decrease.

/// A `BoundedOutOfOrdernessWatermarks` with zero out-of-orderness: periodically emits
/// `maxTimestamp - 1` (Flink's `WatermarkStrategy.forMonotonousTimestamps()`).
public struct MonotonousTimestampsWatermarks: WatermarkGenerator, Sendable, Hashable {
    @usableFromInline var base = BoundedOutOfOrdernessWatermarks(outOfOrdernessMillis: 0)

    /// Creates a generator that has seen no event.
    @inlinable
    public init() {}

    /// The highest timestamp seen so far (`Int64.min + 1` before the first event).
    @inlinable
    public var maxTimestamp: Int64 { base.maxTimestamp }

    /// Tracks the highest timestamp.
    @inlinable
    public mutating func onEvent(timestamp: Int64, output: inout WatermarkOutput) {
        base.onEvent(timestamp: timestamp, output: &output)
    }

    /// Emits `maxTimestamp - 1`.
    @inlinable
    public mutating func onPeriodicEmit(output: inout WatermarkOutput) {
        base.onPeriodicEmit(output: &output)
    }
}
