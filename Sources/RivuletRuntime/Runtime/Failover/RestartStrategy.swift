// How often and how soon a failed job restarts (Flink's restart strategies).

/// `restart-strategy.type`: none, fixed-delay, or exponential-delay (the default when the
/// job checkpoints; without checkpoints the default is none).
@usableFromInline package enum RestartStrategy: Sendable, Equatable {
    case none
    case fixedDelay(attempts: Int, delayMillis: Int64)
    case exponentialDelay(initialMillis: Int64, maxMillis: Int64, multiplier: Double, attempts: Int)

    @usableFromInline package init(_ configuration: Configuration) {
        var type = configuration[RestartStrategyOptions.type]
        if type == .automatic { type = configuration.checkpointingEnabled ? .exponentialDelay : .none }
        switch type {
        case .fixedDelay:
            self = .fixedDelay(
                attempts: configuration[RestartStrategyOptions.fixedDelayAttempts],
                delayMillis: configuration[RestartStrategyOptions.fixedDelay].milliseconds)
        case .exponentialDelay:
            self = .exponentialDelay(
                initialMillis: configuration[RestartStrategyOptions.initialBackoff].milliseconds,
                maxMillis: configuration[RestartStrategyOptions.maxBackoff].milliseconds,
                multiplier: configuration[RestartStrategyOptions.backoffMultiplier],
                attempts: configuration[RestartStrategyOptions.exponentialDelayAttempts])
        case .none, .automatic:
            self = .none
        }
    }

    /// The wait before restart number `restart` (1 for the first), or nil when the job must fail.
    @usableFromInline package func delayMillis(beforeRestart restart: Int) -> Int64? {
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
