// The checkpointing settings of a job, read from its configuration.

/// Flink's CheckpointConfig: interval, mode, timeout, concurrency, pause, tolerance, retention.
public struct CheckpointConfig: Sendable {
    public var intervalMillis: Int64
    public var exactlyOnce: Bool
    public var timeoutMillis: Int64
    public var maxConcurrent: Int
    public var minPauseMillis: Int64
    public var tolerableFailures: Int
    public var numRetained: Int
    public var directory: String

    public init(_ configuration: Configuration) throws {
        intervalMillis = configuration.millis("execution.checkpointing.interval")
        exactlyOnce = configuration.string("execution.checkpointing.mode").lowercased() != "at-least-once"
        timeoutMillis = max(1, configuration.millis("execution.checkpointing.timeout"))
        maxConcurrent = max(1, configuration.int("execution.checkpointing.max-concurrent-checkpoints"))
        minPauseMillis = configuration.millis("execution.checkpointing.min-pause")
        tolerableFailures = configuration.int("execution.checkpointing.tolerable-failed-checkpoints")
        numRetained = max(1, configuration.int("state.checkpoints.num-retained"))
        directory = configuration.string("state.checkpoints.dir")
        if intervalMillis > 0 && directory.isEmpty {
            throw ConfigurationError("checkpointing is on (execution.checkpointing.interval) but 'state.checkpoints.dir' is not set: give a directory for the checkpoints")
        }
    }
}
