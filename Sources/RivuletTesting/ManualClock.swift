// A clock that moves only when a test moves it.

import Synchronization

/// Milliseconds (and the `ContinuousClock` instants they stand for) that change only when a
/// test sets or advances them (Flink's ManualClock). Code under test takes `read` or
/// `readInstant` where it would read the system clock, so timers, heartbeats and checkpoint
/// intervals can be tested without sleeping.
public final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    /// The instant `millis == 0` stands for.
    private let origin = ContinuousClock.now

    public init(millis: Int64 = 0) {
        value = Mutex(millis)
    }

    /// The time now, in milliseconds.
    public var millis: Int64 { value.withLock { $0 } }

    public func set(_ millis: Int64) {
        value.withLock { $0 = millis }
    }

    public func advance(by millis: Int64) {
        value.withLock { $0 += millis }
    }

    /// The time now as a `ContinuousClock` instant.
    public var instant: ContinuousClock.Instant { origin + .milliseconds(millis) }

    /// Reads the milliseconds: hand this to code that takes a clock function.
    public var read: @Sendable () -> Int64 { { [self] in millis } }

    /// Reads the instant: hand this to code that takes a `ContinuousClock` function.
    public var readInstant: @Sendable () -> ContinuousClock.Instant { { [self] in instant } }
}
