// One element a `StatusWatermarkValve` forwards downstream.

/// What a `StatusWatermarkValve` emits: an advanced combined watermark or a changed combined status.
public enum ValveOutput: Equatable, Hashable, Sendable {
    /// The combined watermark advanced to this value (ms).
    case watermark(Int64)
    /// The combined watermark status changed to this value.
    case status(WatermarkStatus)
}
