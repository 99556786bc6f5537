// Configuration keys of restarts: which strategy, how many attempts, how long to wait.

/// The `restart-strategy.type` values; `automatic` (not set) is exponential-delay for a job
/// that checkpoints and none for one that does not, as in Flink.
public enum RestartStrategyType: String, CaseIterable, Sendable {
    case automatic = ""
    case none
    case fixedDelay = "fixed-delay"
    case exponentialDelay = "exponential-delay"
}

/// `restart-strategy.*` (Flink's RestartStrategyOptions).
public enum RestartStrategyOptions: ConfigOptionGroup {
    public static let title = "Restarts"

    public static let type = ConfigOption<RestartStrategyType>.choice(
        "restart-strategy.type", default: .automatic, "none, fixed-delay or exponential-delay (the default when checkpointing; none otherwise).")
    public static let fixedDelayAttempts = ConfigOption<Int>.integer(
        "restart-strategy.fixed-delay.attempts", default: 3, in: 0...Int.max, "Restarts before the job fails (fixed-delay).")
    public static let fixedDelay = ConfigOption<Duration>.duration(
        "restart-strategy.fixed-delay.delay", default: "1 s", "Wait before each restart (fixed-delay).")
    public static let initialBackoff = ConfigOption<Duration>.duration(
        "restart-strategy.exponential-delay.initial-backoff", default: "1 s", "First wait (exponential-delay).")
    public static let maxBackoff = ConfigOption<Duration>.duration(
        "restart-strategy.exponential-delay.max-backoff", default: "1 min", "Longest wait (exponential-delay).")
    public static let backoffMultiplier = ConfigOption<Double>(
        "restart-strategy.exponential-delay.backoff-multiplier", default: 2.0, defaultText: "2.0", typeName: "number >= 1.0",
        description: "Factor between waits (exponential-delay).",
        parse: { text in
            guard let d = Double(text), d >= 1, d.isFinite else { return .failure(ConfigValueProblem("must be a number of at least 1.0")) }
            return .success(d)
        }, format: { String($0) })
    public static let exponentialDelayAttempts = ConfigOption<Int>.integer(
        "restart-strategy.exponential-delay.attempts-before-reset-backoff", default: 2_147_483_647, in: 0...Int.max,
        "Restarts before the job fails (exponential-delay).")

    public static let options = [
        type.erased, fixedDelayAttempts.erased, fixedDelay.erased, initialBackoff.erased, maxBackoff.erased, backoffMultiplier.erased,
        exponentialDelayAttempts.erased,
    ]
}
