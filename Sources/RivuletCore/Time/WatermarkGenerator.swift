// The protocol of watermark generators, which turn event timestamps into watermarks.

/// Flink's `WatermarkGenerator`: sees every event timestamp and is polled periodically
/// (every `pipeline.auto-watermark-interval`); emits watermarks and idleness into a `WatermarkOutput`.
public protocol WatermarkGenerator {
    /// Called for every event with its timestamp (ms); may emit a watermark (punctuated generators).
    mutating func onEvent(timestamp: Int64, output: inout WatermarkOutput)
    /// Called periodically; periodic generators emit their current watermark here.
    mutating func onPeriodicEmit(output: inout WatermarkOutput)
}
