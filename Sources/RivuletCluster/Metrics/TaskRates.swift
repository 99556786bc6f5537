// Per-second rates of a task between two samples of its counters (Flink's MeterView and the
// busy/idle/backpressured time gauges).

/// What a task did per second between two samples: records in and out, and how it spent
/// its time. Busy time is what is left of the interval after waiting for input and for
/// output buffers, as in Flink.
package struct TaskRates: Sendable, Equatable {
    package var recordsInPerSecond = 0.0
    package var recordsOutPerSecond = 0.0
    /// Milliseconds per second (0...1000).
    package var busyTimeMsPerSecond = 0.0
    package var idleTimeMsPerSecond = 0.0
    package var backPressuredTimeMsPerSecond = 0.0

    package init() {}

    /// The rates between `previous` and `current`, `elapsedNanos` apart (all zero without a
    /// previous sample). Counters that went back (a new attempt) count from zero.
    package init(from previous: TaskMetricsSample?, to current: TaskMetricsSample, elapsedNanos: Double) {
        guard let previous, elapsedNanos > 0 else { return }
        func delta(_ now: Int64, _ before: Int64) -> Double {
            before <= now ? Double(now - before) : Double(now)
        }
        let seconds = elapsedNanos / 1e9
        recordsInPerSecond = delta(current.recordsIn, previous.recordsIn) / seconds
        recordsOutPerSecond = delta(current.recordsOut, previous.recordsOut) / seconds
        let share = 1000 / elapsedNanos
        backPressuredTimeMsPerSecond = min(1000, delta(current.backPressuredNanos, previous.backPressuredNanos) * share)
        idleTimeMsPerSecond = min(1000 - backPressuredTimeMsPerSecond, delta(current.idleNanos, previous.idleNanos) * share)
        busyTimeMsPerSecond = max(0, 1000 - backPressuredTimeMsPerSecond - idleTimeMsPerSecond)
    }

    /// Share of the time blocked on output buffers (0...1).
    package var backPressureRatio: Double { backPressuredTimeMsPerSecond / 1000 }
    /// Share of the time processing (0...1).
    package var busyRatio: Double { busyTimeMsPerSecond / 1000 }
}

/// The latest samples of one task's counters, for rates averaged over the last `capacity`
/// sampling intervals (Flink's MeterView averages over 60 seconds).
package struct SampleWindow: Sendable {
    let capacity: Int
    private var samples: [(sample: TaskMetricsSample, at: ContinuousClock.Instant)] = []

    package init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds a sample; returns the rates from the oldest kept sample (`capacity` samples back,
    /// or the first) to it.
    package mutating func add(_ sample: TaskMetricsSample, at now: ContinuousClock.Instant) -> TaskRates {
        let oldest = samples.first
        samples.append((sample, now))
        if samples.count > capacity { samples.removeFirst(samples.count - capacity) }
        guard let oldest else { return TaskRates() }
        return TaskRates(from: oldest.sample, to: sample, elapsedNanos: (now - oldest.at).nanoseconds)
    }
}

extension Duration {
    /// The duration in nanoseconds, as a Double.
    package var nanoseconds: Double {
        Double(components.seconds) * 1e9 + Double(components.attoseconds) / 1e9
    }
}
