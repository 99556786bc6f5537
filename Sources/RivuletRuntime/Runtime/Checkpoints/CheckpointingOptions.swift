// Configuration keys of checkpoints: cadence, mode, timeouts, tolerance, where they go, how many stay.

/// `execution.checkpointing.*` and `state.checkpoints.*` (Flink's CheckpointingOptions).
public enum CheckpointingOptions: ConfigOptionGroup {
    public static let title = "Checkpointing"

    public static let interval = ConfigOption<Duration>.duration(
        "execution.checkpointing.interval", default: "0", "Time between checkpoints; 0 turns checkpointing off.")
    public static let mode = ConfigOption<CheckpointingMode>.choice(
        "execution.checkpointing.mode", default: .exactlyOnce, "Align barriers (exactly-once) or not (at-least-once).")
    public static let timeout = ConfigOption<Duration>.duration(
        "execution.checkpointing.timeout", default: "10 min", "A checkpoint not complete after this long is aborted.")
    public static let maxConcurrent = ConfigOption<Int>.integer(
        "execution.checkpointing.max-concurrent-checkpoints", default: 1, in: 1...64, "Checkpoints in flight at once.")
    public static let minPause = ConfigOption<Duration>.duration(
        "execution.checkpointing.min-pause", default: "0", "Least time between the end of one checkpoint and the start of the next.")
    public static let tolerableFailures = ConfigOption<Int>.integer(
        "execution.checkpointing.tolerable-failed-checkpoints", default: 0, in: 0...Int.max,
        "Consecutive failed checkpoints the job tolerates before it fails.")
    public static let directory = ConfigOption<String>.text(
        "state.checkpoints.dir", default: "", "Directory (a shared filesystem path) for checkpoints; required when checkpointing.")
    public static let numRetained = ConfigOption<Int>.integer(
        "state.checkpoints.num-retained", default: 3, in: 1...1000, "Completed checkpoints kept.")

    public static let options = [
        interval.erased, mode.erased, timeout.erased, maxConcurrent.erased, minPause.erased, tolerableFailures.erased,
        directory.erased, numRetained.erased,
    ]
}

/// Whether checkpoints align barriers.
public enum CheckpointingMode: String, CaseIterable, Sendable {
    case exactlyOnce = "exactly-once"
    case atLeastOnce = "at-least-once"
}

extension Configuration {
    /// True when the job takes periodic checkpoints.
    public var checkpointingEnabled: Bool { self[CheckpointingOptions.interval] > .zero }
}
