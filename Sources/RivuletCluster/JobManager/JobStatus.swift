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
}

/// One vertex (operator chain) as the REST API shows it.
public struct VertexDetail: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var parallelism: Int
    public var status: String
    public var recordsIn: Int64
    public var recordsOut: Int64
    /// ok (at most 10 % of the time blocked), low (at most 50 %) or high.
    public var backPressure: String
    public var backPressureRatio: Double
    public var subtasks: [SubtaskDetail]
}

/// One completed checkpoint.
public struct CheckpointDetail: Codable, Sendable, Equatable {
    public var id: Int64
    public var durationMillis: Int64
    public var stateBytes: Int64
    public var uploadedBytes: Int64
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
    /// Where the last savepoint of the job went.
    public var lastSavepoint: String?
}
