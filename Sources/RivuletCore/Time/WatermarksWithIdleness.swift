// Flink's WatermarksWithIdleness: marks a source idle when it sees no events for a while.

/// Wraps another generator and marks the output idle when no event arrived for longer than
/// the idle timeout (checked on periodic emits, see `IdlenessTimer`); while idle the wrapped
/// generator is not polled. An event counts as activity again, and the next advancing
/// watermark of the wrapped generator makes the output active.
public struct WatermarksWithIdleness<Wrapped: WatermarkGenerator>: WatermarkGenerator {
    @usableFromInline var inner: Wrapped
    @usableFromInline var timer: IdlenessTimer
    @usableFromInline var isIdleNow = false

    /// Wraps `wrapped`, marking idle after `idleTimeout` (> 0, truncated to ms) without events on `clock` (ms).
    @inlinable
    public init(
        wrapping wrapped: Wrapped, idleTimeout: Duration,
        clock: @escaping @Sendable () -> Int64 = IdlenessTimer.monotonicClock
    ) {
        self.inner = wrapped
        self.timer = IdlenessTimer(idleTimeoutMillis: idleTimeout.milliseconds, clock: clock)
    }

    /// The wrapped generator.
    @inlinable
    public var wrapped: Wrapped { inner }

    /// The idle timeout in milliseconds.
    @inlinable
    public var idleTimeoutMillis: Int64 { timer.idleTimeoutMillis }

    /// Forwards the event to the wrapped generator and records activity.
    @inlinable
    public mutating func onEvent(timestamp: Int64, output: inout WatermarkOutput) {
        inner.onEvent(timestamp: timestamp, output: &output)
        timer.activity()
        isIdleNow = false
    }

    /// Marks the output idle if the timeout elapsed without events, else polls the wrapped generator.
    @inlinable
    public mutating func onPeriodicEmit(output: inout WatermarkOutput) {
        if timer.checkIfIdle() {
            if !isIdleNow {
                output.markIdle()
                isIdleNow = true
            }
        } else {
            inner.onPeriodicEmit(output: &output)
        }
    }
}

extension WatermarksWithIdleness: Sendable where Wrapped: Sendable {}
