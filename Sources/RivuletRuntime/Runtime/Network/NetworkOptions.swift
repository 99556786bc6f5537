// Configuration keys of the exchange between tasks: batching, credits, buffer sizes.

/// `execution.buffer-timeout` and `taskmanager.network.*` (Flink's NettyShuffleEnvironmentOptions).
public enum NetworkOptions: ConfigOptionGroup {
    public static let title = "Network"

    public static let bufferTimeout = ConfigOption<Duration>.duration(
        "execution.buffer-timeout", default: "100 ms", "Longest time a record waits in a partly filled batch while the task is busy.")
    public static let creditsPerChannel = ConfigOption<Int>.integer(
        "taskmanager.network.credits-per-channel", default: 8, in: 1...(1 << 20), "Batches a channel buffers before its producer is backpressured.")
    public static let batchSize = ConfigOption<Int>.integer(
        "taskmanager.network.batch-size", default: 1024, in: 1...(1 << 20),
        "Records per batch between tasks. A channel whose consumer falls behind grows its batches up to 4x this; they return to it when a partly filled batch goes out without waiting for credit."
    )
    public static let bufferSize = ConfigOption<Int>.bytes(
        "taskmanager.network.buffer-size", default: "32 kb", "Size of the buffers records travel in between TaskManagers.")

    public static let options = [bufferTimeout.erased, creditsPerChannel.erased, batchSize.erased, bufferSize.erased]
}
