// How often and how soon a failed job restarts (Flink's restart strategies).

/// `restart-strategy.type`: none, fixed-delay, or exponential-delay (the default when the
/// job checkpoints; without checkpoints the default is none).
public enum RestartStrategy: Sendable, Equatable {
    case none
    case fixedDelay(attempts: Int, delayMillis: Int64)
    case exponentialDelay(initialMillis: Int64, maxMillis: Int64, multiplier: Double, attempts: Int)

    public init(_ configuration: Configuration) {
        var type = configuration.string("restart-strategy.type").lowercased()
        if type.isEmpty { type = configuration.checkpointingEnabled ? "exponential-delay" : "none" }
        switch type {
        case "fixed-delay":
            self = .fixedDelay(attempts: configuration.int("restart-strategy.fixed-delay.attempts"),
                               delayMillis: configuration.millis("restart-strategy.fixed-delay.delay"))
        case "exponential-delay":
            self = .exponentialDelay(
                initialMillis: configuration.millis("restart-strategy.exponential-delay.initial-backoff"),
                maxMillis: configuration.millis("restart-strategy.exponential-delay.max-backoff"),
                multiplier: Double(configuration.string("restart-strategy.exponential-delay.backoff-multiplier")) ?? 2,
                attempts: configuration.int("restart-strategy.exponential-delay.attempts-before-reset-backoff"))
        default:
            self = .none
        }
    }

    /// The wait before restart number `restart` (1 for the first), or nil when the job must fail.
    public func delayMillis(beforeRestart restart: Int) -> Int64? {
        switch self {
        case .none:
            return nil
        case .fixedDelay(let attempts, let delay):
            return restart <= attempts ? delay : nil
        case .exponentialDelay(let initial, let maxDelay, let multiplier, let attempts):
            guard restart <= attempts else { return nil }
            var delay = Double(initial)
            for _ in 1..<max(restart, 1) { delay = min(delay * multiplier, Double(maxDelay)) }
            return Int64(min(delay, Double(maxDelay)))
        }
    }
}
