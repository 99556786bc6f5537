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
    /// The state this subtask restores from (a checkpoint or savepoint, already redistributed
    /// to this subtask), or nil for a fresh start.
    public let restored: OperatorSnapshot?
    /// True when the job takes checkpoints: state must be serializable.
    public let checkpointingEnabled: Bool
    /// How many times the job was restarted before this run (0 on the first run).
    public let attempt: Int
    /// Unique per run of the job (job id and attempt).
    public let runID: String
    /// Snapshots the operator's keyed state (set by the keyed backend it creates).
    public var keyedSnapshot: ((_ savepoint: Bool) throws -> KeyedSnapshotResult)?
    /// Operator parts that act at checkpoints (sources, transactional sinks).
    public private(set) var checkpointListeners: [any CheckpointListener] = []

    public init(
        operatorName: String, uid: String, subtaskIndex: Int, parallelism: Int, maxParallelism: Int,
        processingTimeService: ProcessingTimeService, configuration: Configuration,
        operatorState: OperatorStateStore, restored: OperatorSnapshot? = nil,
        checkpointingEnabled: Bool = false, attempt: Int = 0, runID: String = "run0"
    ) {
        self.runID = runID
        self.restored = restored
        self.checkpointingEnabled = checkpointingEnabled
        self.attempt = attempt
        self.operatorName = operatorName
        self.uid = uid
        self.subtaskIndex = subtaskIndex
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.keyGroupRange = KeyGroupRangeAssignment.range(
            maxParallelism: maxParallelism,
            parallelism: parallelism, operatorIndex: subtaskIndex)
        self.processingTimeService = processingTimeService
        self.configuration = configuration
        self.operatorState = operatorState
    }

    /// Resources to release when the task ends, however it ends (RocksDB directories).
    public private(set) var disposers: [() -> Void] = []

    /// Registers `dispose` to run when the task ends.
    public func addDisposer(_ dispose: @escaping () -> Void) {
        disposers.append(dispose)
    }

    /// Releases every registered resource (idempotent).
    public func dispose() {
        let pending = disposers
        disposers = []
        for d in pending.reversed() { d() }
    }

    /// Adds a part that takes part in checkpoints.
    public func addCheckpointListener(_ listener: any CheckpointListener) {
        checkpointListeners.append(listener)
    }

    /// The synchronous part of a checkpoint: lets listeners record their positions or
    /// pre-commit, then captures keyed and operator state.
    public func snapshotState(
        checkpointID: Int64, savepoint: Bool = false
    ) throws -> (snapshot: OperatorSnapshot, pending: PendingIncrementalSnapshot?) {
        for listener in checkpointListeners { try listener.prepareSnapshot(checkpointID: checkpointID) }
        var snapshot = OperatorSnapshot(lists: operatorState.snapshot())
        switch try keyedSnapshot?(savepoint) {
        case .canonical(let keyed)?: snapshot.keyed = keyed
        case .incremental(let pending)?: return (snapshot, pending)
        case nil: break
        }
        return (snapshot, nil)
    }

    /// Display name `name (i/p)` as in Flink's task names.
    public var taskDisplayName: String { "\(operatorName) (\(subtaskIndex + 1)/\(parallelism))" }
}
