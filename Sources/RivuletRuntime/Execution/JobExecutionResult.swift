// What a finished job reports: its name, duration and per-task facts.

/// The result of a job that ran to the end.
public struct JobExecutionResult: Sendable {
    public let jobName: String
    public let durationMillis: Int64
    /// Subtasks that ran.
    public let taskCount: Int
    /// Nanoseconds each vertex's subtasks spent blocked on output (backpressure), summed.
    public let backPressuredNanosByVertex: [String: UInt64]
    /// The job's id (names its checkpoint directory).
    public var jobID: String = ""
    /// Why each restart happened, in order (empty when no task failed).
    public var restarts: [String] = []
    /// Ids of the retained completed checkpoints, oldest first.
    public var completedCheckpoints: [Int64] = []
    /// Duration and size of every completed checkpoint, in order.
    public var checkpointStats: [CheckpointStats] = []

    public init(jobName: String, durationMillis: Int64, taskCount: Int, backPressuredNanosByVertex: [String: UInt64]) {
        self.jobName = jobName
        self.durationMillis = durationMillis
        self.taskCount = taskCount
        self.backPressuredNanosByVertex = backPressuredNanosByVertex
    }
}

/// Why a job did not finish.
public enum JobExecutionError: Error, CustomStringConvertible, Sendable {
    /// A task failed; the message names the operator and subtask.
    case taskFailed(task: String, message: String)
    /// The job was cancelled (for example with Ctrl-C).
    case cancelled(job: String)
    /// The job failed outside its tasks (it got no slots, say).
    case failed(job: String, message: String)

    public var description: String {
        switch self {
        case .taskFailed(let task, let message): return "job failed in task '\(task)': \(message)"
        case .cancelled(let job): return "job '\(job)' was cancelled"
        case .failed(let job, let message): return "job '\(job)' failed: \(message)"
        }
    }
}
