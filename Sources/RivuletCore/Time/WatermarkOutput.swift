// The sink a WatermarkGenerator emits watermarks and idleness into, drained by the source after each call.

/// Flink's `WatermarkOutput` (with the semantics of `WatermarkToDataOutput`) as a value.
///
/// It keeps the highest watermark emitted so far and the current idleness; watermarks that do
/// not exceed the highest one are ignored, and emitting an advancing watermark while idle makes
/// the output active again. What changed since the previous `take()` is pending: the caller
/// (the source task) calls `take()` after each generator call and forwards the result, applying
/// a status of `.active` *before* the watermark and a status of `.idle` *after* it.
/// If the status toggles both ways between two takes, only the net change is reported.
public struct WatermarkOutput: Sendable, Hashable {
    @usableFromInline var highest: Int64 = StreamTime.minWatermark
    @usableFromInline var hasEmitted = false
    @usableFromInline var isIdle = false
    @usableFromInline var reportedIdle = false
    @usableFromInline var pending: Int64?

    /// An active output that has emitted nothing.
    @inlinable
    public init() {}

    /// The highest watermark emitted so far, `nil` if none.
    @inlinable
    public var watermark: Int64? { hasEmitted ? highest : nil }

    /// Whether the output is currently marked idle.
    @inlinable
    public var idle: Bool { isIdle }

    /// The watermark emitted since the last `take()`, if any.
    @inlinable
    public var pendingWatermark: Int64? { pending }

    /// The status change since the last `take()`, if the status differs from the one last taken.
    @inlinable
    public var pendingStatus: WatermarkStatus? {
        isIdle == reportedIdle ? nil : (isIdle ? .idle : .active)
    }

    /// Whether anything changed since the last `take()`.
    @inlinable
    public var hasPending: Bool { pending != nil || isIdle != reportedIdle }

    /// Emits `watermark` if it exceeds every watermark emitted before (else ignores it);
    /// an advancing watermark marks an idle output active again.
    @inlinable
    public mutating func emitWatermark(_ watermark: Int64) {
        guard watermark > highest else { return }
        highest = watermark
        hasEmitted = true
        isIdle = false
        pending = watermark
    }

    /// Marks the output idle (no effect if it already is).
    @inlinable
    public mutating func markIdle() {
        isIdle = true
    }

    /// Marks the output active (no effect if it already is).
    @inlinable
    public mutating func markActive() {
        isIdle = false
    }

    /// Returns and clears what changed since the last call: the newest emitted watermark and
    /// the net status change. Forward `.active` before the watermark, `.idle` after it.
    @inlinable
    public mutating func take() -> (watermark: Int64?, status: WatermarkStatus?) {
        let result = (watermark: pending, status: pendingStatus)
        pending = nil
        reportedIdle = isIdle
        return result
    }
}
