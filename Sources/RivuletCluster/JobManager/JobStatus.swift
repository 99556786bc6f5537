// What the REST API and the CLI show of jobs: statuses, submissions and details.

import Foundation

/// A job's status (Flink's JobStatus).
public enum JobStatus: String, Codable, Sendable {
    case created = "CREATED"
    case running = "RUNNING"
    case restarting = "RESTARTING"
    case cancelling = "CANCELLING"
    case finished = "FINISHED"
    case failed = "FAILED"
    case canceled = "CANCELED"
    /// This JobManager lost leadership; the new leader runs the job.
    case suspended = "SUSPENDED"

    /// True once the job can never run again.
    public var isTerminal: Bool { self == .finished || self == .failed || self == .canceled }
}

/// A request to run a catalog job.
public struct JobSubmission: Codable, Sendable {
    /// Catalog name of the job.
    public var job: String
    public var arguments: [String]?
    public var parallelism: Int?
    /// Restore from this savepoint (or retained checkpoint) directory.
    public var savepointPath: String?
    /// Configuration overrides for this job (`key: value`).
    public var configuration: [String: String]?

    public init(
        job: String, arguments: [String]? = nil, parallelism: Int? = nil, savepointPath: String? = nil,
        configuration: [String: String]? = nil
    ) {
        self.job = job
        self.arguments = arguments
        self.parallelism = parallelism
        self.savepointPath = savepointPath
        self.configuration = configuration
    }
}

/// One subtask as the REST API shows it.
public struct SubtaskDetail: Codable, Sendable, Equatable {
    public var subtask: Int
    public var status: String
    public var taskManager: String?
    public var recordsIn: Int64
    public var recordsOut: Int64
    public var backPressuredMillis: Int64
    /// Share of the last heartbeat interval the subtask spent blocked on output buffers.
    public var backPressureRatio: Double
    /// Share of the last heartbeat interval it spent processing (neither idle nor blocked).
    public var busyRatio: Double
    public var recordsInPerSecond: Double
    public var recordsOutPerSecond: Double
    /// Its combined input watermark and the last watermark it sent, once it had one.
    public var inputWatermark: Int64?
    public var outputWatermark: Int64?
    /// Share of its output and input buffers in use.
    public var outPoolUsage: Double
    public var inPoolUsage: Double

    package init(subtask: Int, status: String, taskManager: String?, sample: TaskMetricsSample?, rates: TaskRates) {
        self.subtask = subtask
        self.status = status
        self.taskManager = taskManager
        recordsIn = sample?.recordsIn ?? 0
        recordsOut = sample?.recordsOut ?? 0
        backPressuredMillis = (sample?.backPressuredNanos ?? 0) / 1_000_000
        backPressureRatio = rates.backPressureRatio
        busyRatio = rates.busyRatio
        recordsInPerSecond = rates.recordsInPerSecond
        recordsOutPerSecond = rates.recordsOutPerSecond
        inputWatermark = sample.flatMap { $0.inputWatermark == .min ? nil : $0.inputWatermark }
        outputWatermark = sample.flatMap { $0.outputWatermark == .min ? nil : $0.outputWatermark }
        outPoolUsage = sample?.outPoolUsage ?? 0
        inPoolUsage = sample?.inPoolUsage ?? 0
    }
}

/// One vertex (operator chain) as the REST API shows it.
public struct VertexDetail: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var parallelism: Int
    public var status: String
    public var recordsIn: Int64
    public var recordsOut: Int64
    public var recordsInPerSecond: Double
    public var recordsOutPerSecond: Double
    /// ok (at most 10 % of the time blocked), low (at most 50 %) or high.
    public var backPressure: String
    /// The largest share of time a subtask was blocked on output buffers, or busy.
    public var backPressureRatio: Double
    public var busyRatio: Double
    /// The smallest input watermark of its subtasks, once every subtask had one (Flink's
    /// vertex watermark), and likewise for the watermarks it sent.
    public var inputWatermark: Int64?
    public var outputWatermark: Int64?
    public var subtasks: [SubtaskDetail]

    package init(id: Int, name: String, parallelism: Int, status: String, subtasks: [SubtaskDetail]) {
        self.id = id
        self.name = name
        self.parallelism = parallelism
        self.status = status
        self.subtasks = subtasks
        recordsIn = subtasks.reduce(0) { $0 + $1.recordsIn }
        recordsOut = subtasks.reduce(0) { $0 + $1.recordsOut }
        recordsInPerSecond = subtasks.reduce(0) { $0 + $1.recordsInPerSecond }
        recordsOutPerSecond = subtasks.reduce(0) { $0 + $1.recordsOutPerSecond }
        backPressureRatio = subtasks.map(\.backPressureRatio).max() ?? 0
        busyRatio = subtasks.map(\.busyRatio).max() ?? 0
        backPressure = backPressureRatio <= 0.1 ? "ok" : backPressureRatio <= 0.5 ? "low" : "high"
        func lowest(_ values: [Int64?]) -> Int64? {
            values.contains(nil) ? nil : values.compactMap { $0 }.min()
        }
        inputWatermark = lowest(subtasks.map(\.inputWatermark))
        outputWatermark = lowest(subtasks.map(\.outputWatermark))
    }
}

/// One completed checkpoint.
public struct CheckpointDetail: Codable, Sendable, Equatable {
    public var id: Int64
    public var durationMillis: Int64
    public var stateBytes: Int64
    public var uploadedBytes: Int64
    /// When it was triggered, in milliseconds since the epoch.
    public var triggeredAt: Int64?
    /// Each subtask's acknowledgement.
    public var subtasks: [SubtaskCheckpointDetail]?

    public init(
        id: Int64, durationMillis: Int64, stateBytes: Int64, uploadedBytes: Int64, triggeredAt: Int64? = nil,
        subtasks: [SubtaskCheckpointDetail]? = nil
    ) {
        self.id = id
        self.durationMillis = durationMillis
        self.stateBytes = stateBytes
        self.uploadedBytes = uploadedBytes
        self.triggeredAt = triggeredAt
        self.subtasks = subtasks
    }
}

/// One subtask's part in a completed checkpoint.
public struct SubtaskCheckpointDetail: Codable, Sendable, Equatable {
    public var vertex: Int
    public var subtask: Int
    /// From the trigger to its acknowledgement, in milliseconds.
    public var ackMillis: Int64
    public var stateBytes: Int64
}

/// A checkpoint that failed.
public struct FailedCheckpointDetail: Codable, Sendable, Equatable {
    public var id: Int64
    public var triggeredAt: Int64
    public var failedAt: Int64
    public var reason: String
}

/// A job's summary (list) and detail.
public struct JobDetail: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var status: JobStatus
    public var attempt: Int
    public var startTime: Int64
    public var endTime: Int64?
    public var durationMillis: Int64
    public var arguments: [String]
    public var vertices: [VertexDetail]?
    /// Failures that caused restarts or ended the job, oldest first.
    public var exceptions: [String]?
    public var checkpoints: [CheckpointDetail]?
    /// Checkpoints completed in all (`checkpoints` holds the latest ones).
    public var completedCheckpoints: Int?
    /// Checkpoints that failed (in all, and the latest few) and those in flight now.
    public var failedCheckpoints: Int?
    public var checkpointFailures: [FailedCheckpointDetail]?
    public var inProgressCheckpoints: Int?
    /// Where the last savepoint of the job went.
    public var lastSavepoint: String?
}
