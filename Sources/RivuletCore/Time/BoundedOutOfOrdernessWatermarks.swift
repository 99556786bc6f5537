// Flink's BoundedOutOfOrdernessWatermarks: watermarks that trail the highest timestamp by a fixed bound.

/// Emits, periodically, `maxTimestamp - outOfOrderness - 1`: events at most `outOfOrderness`
/// older than the newest event seen are not late.
public struct BoundedOutOfOrdernessWatermarks: WatermarkGenerator, Sendable, Hashable {
    /// The tolerated out-of-orderness in milliseconds (never negative).
    public let outOfOrdernessMillis: Int64
    @usableFromInline var maxSeen: Int64

    /// Creates a generator tolerating `maxOutOfOrderness` (truncated to ms; must not be negative).
    @inlinable
    public init(maxOutOfOrderness: Duration) {
        self.init(outOfOrdernessMillis: maxOutOfOrderness.milliseconds)
    }

    /// Creates a generator tolerating `outOfOrdernessMillis` ms (must not be negative).
    @inlinable
    public init(outOfOrdernessMillis: Int64) {
        precondition(outOfOrdernessMillis >= 0, "maxOutOfOrderness cannot be negative (\(outOfOrdernessMillis) ms)")
        // keep `Int64.min + delay + 1` representable
        let delay = min(outOfOrdernessMillis, Int64.max - 1)
        self.outOfOrdernessMillis = delay
        self.maxSeen = Int64.min + delay + 1
    }

    /// The highest timestamp seen so far (starts at `Int64.min + outOfOrderness + 1`, so the
    /// first periodic watermark is `Int64.min`).
    @inlinable
    public var maxTimestamp: Int64 { maxSeen }

    /// The watermark the next periodic emit proposes.
    @inlinable
    public var currentWatermark: Int64 { maxSeen - outOfOrdernessMillis - 1 }

    /// Tracks the highest timestamp.
    @inlinable
    public mutating func onEvent(timestamp: Int64, output: inout WatermarkOutput) {
        if timestamp > maxSeen { maxSeen = timestamp }
    }

    /// Emits `maxTimestamp - outOfOrderness - 1`.
    @inlinable
    public mutating func onPeriodicEmit(output: inout WatermarkOutput) {
        output.emitWatermark(maxSeen - outOfOrdernessMillis - 1)
    }
}
