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
        intervalMillis = configuration[CheckpointingOptions.interval].milliseconds
        exactlyOnce = configuration[CheckpointingOptions.mode] == .exactlyOnce
        timeoutMillis = max(1, configuration[CheckpointingOptions.timeout].milliseconds)
        maxConcurrent = max(1, configuration[CheckpointingOptions.maxConcurrent])
        minPauseMillis = configuration[CheckpointingOptions.minPause].milliseconds
        tolerableFailures = configuration[CheckpointingOptions.tolerableFailures]
        numRetained = max(1, configuration[CheckpointingOptions.numRetained])
        directory = configuration[CheckpointingOptions.directory]
        if intervalMillis > 0 && directory.isEmpty {
            throw ConfigurationError(
                "checkpointing is on (execution.checkpointing.interval) but 'state.checkpoints.dir' is not set: give a directory for the checkpoints")
        }
    }
}
