// What an operator instance knows about where it runs: subtask, key groups, time, job config.

import RivuletCore

/// Per-subtask facts and services handed to an operator when its task builds the chain.
/// Confined to the task's thread.
public final class OperatorContext {
    /// Operator name, used in errors.
    public let operatorName: String
    /// Stable operator uid (matches state).
    public let uid: String
    public let subtaskIndex: Int
    public let parallelism: Int
    public let maxParallelism: Int
    /// Key groups owned by this subtask.
    public let keyGroupRange: KeyGroupRange
    /// Processing-time timers of the task.
    public let processingTimeService: ProcessingTimeService
    /// Job configuration (`-D` and job-level options).
    public let configuration: Configuration
    /// Operator (non-keyed) state of this operator instance.
    public let operatorState: OperatorStateStore

    public init(operatorName: String, uid: String, subtaskIndex: Int, parallelism: Int, maxParallelism: Int,
                processingTimeService: ProcessingTimeService, configuration: Configuration,
                operatorState: OperatorStateStore) {
        self.operatorName = operatorName
        self.uid = uid
        self.subtaskIndex = subtaskIndex
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.keyGroupRange = KeyGroupRangeAssignment.range(maxParallelism: maxParallelism,
                                                           parallelism: parallelism, operatorIndex: subtaskIndex)
        self.processingTimeService = processingTimeService
        self.configuration = configuration
        self.operatorState = operatorState
    }

    /// Display name `name (i/p)` as in Flink's task names.
    public var taskDisplayName: String { "\(operatorName) (\(subtaskIndex + 1)/\(parallelism))" }
}
