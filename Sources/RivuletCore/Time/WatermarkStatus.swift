// Whether a stream (or one input channel) currently advances event time.

/// Flink's `WatermarkStatus`: an idle stream emits no watermarks and must not hold back
/// the watermark of downstream operators that combine it with other inputs.
public enum WatermarkStatus: Sendable, Hashable, Codable {
    /// The stream produces watermarks and holds back downstream event time.
    case active
    /// The stream is temporarily without data; its watermark is ignored downstream.
    case idle
}
