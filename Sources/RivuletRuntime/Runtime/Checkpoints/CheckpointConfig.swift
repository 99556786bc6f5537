// The checkpointing settings of a job, read from its configuration.

/// Flink's CheckpointConfig: interval, mode, timeout, concurrency, pause, tolerance, retention.
@usableFromInline package struct CheckpointConfig: Sendable {
    @usableFromInline package var intervalMillis: Int64
    @usableFromInline package var exactlyOnce: Bool
    @usableFromInline package var timeoutMillis: Int64
    @usableFromInline package var maxConcurrent: Int
    @usableFromInline package var minPauseMillis: Int64
    @usableFromInline package var tolerableFailures: Int
    @usableFromInline package var numRetained: Int
    @usableFromInline package var directory: String

    @usableFromInline package init(_ configuration: Configuration) throws {
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
