// Well-known event-time values shared by watermarks, timers and records.

/// Sentinel timestamps of the event-time domain, in milliseconds (Flink's `Watermark.MAX_WATERMARK` and friends).
public enum StreamTime {
    /// The watermark that ends event time: every timer and window fires at it (end of a bounded input).
    public static let maxWatermark: Int64 = .max
    /// The watermark before any event time has passed; the initial watermark of every operator.
    public static let minWatermark: Int64 = .min
    /// The timestamp of a record that carries none.
    public static let noTimestamp: Int64 = .min
}
