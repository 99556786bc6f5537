// Flink's IdlenessTimer: decides when a source has seen no events for longer than a timeout.

/// Counts activity and, probed periodically, reports idleness once no activity was seen for
/// more than `idleTimeoutMillis` since the first probe that found none (Flink's semantics:
/// the inactivity interval starts at a probe, not at the last event).
public struct IdlenessTimer: Sendable {
    /// The idle timeout in milliseconds (always positive).
    public let idleTimeoutMillis: Int64
    @usableFromInline let clock: @Sendable () -> Int64
    @usableFromInline var counter: UInt64 = 0
    @usableFromInline var lastCounter: UInt64 = 0
    @usableFromInline var startOfInactivity: Int64?

    /// Creates a timer with `idleTimeoutMillis` (> 0) read against `clock` (ms, any origin, monotonic).
    @inlinable
    public init(idleTimeoutMillis: Int64, clock: @escaping @Sendable () -> Int64) {
        precondition(idleTimeoutMillis > 0, "idleTimeout must be greater than zero (\(idleTimeoutMillis) ms)")
        self.idleTimeoutMillis = idleTimeoutMillis
        self.clock = clock
    }

    /// Records activity (an event).
    @inlinable
    public mutating func activity() {
        counter &+= 1
    }

    /// Probes the timer: `true` once no activity was seen for more than the timeout.
    @inlinable
    public mutating func checkIfIdle() -> Bool {
        if counter != lastCounter {
            // activity since the last probe: reset the timer
            lastCounter = counter
            startOfInactivity = nil
            return false
        }
        guard let start = startOfInactivity else {
            // first probe without activity: start the timer
            startOfInactivity = clock()
            return false
        }
        return clock() &- start > idleTimeoutMillis
    }

    /// A monotonic clock in milliseconds since the first time it is read in this process.
    public static let monotonicClock: @Sendable () -> Int64 = {
        (ContinuousClock.now - processStart).milliseconds
    }

    @usableFromInline static let processStart = ContinuousClock.now
}
