// The common protocol of all window types (time windows, the global window).

/// A finite or infinite group of elements that is evaluated together, as in Flink's `Window`.
public protocol Window: StateNamespace, Sendable, BinaryCodable {
    /// The largest timestamp that still belongs to this window; event-time triggers fire once the watermark passes it.
    var maxTimestamp: Int64 { get }
}
