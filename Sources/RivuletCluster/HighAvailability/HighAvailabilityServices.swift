// What a leading JobManager keeps so that the next leader can carry on: leader election, job
// graphs, job results, checkpoint ids and completed checkpoints (Flink's HighAvailabilityServices).

import RivuletRuntime

/// A job's end as the JobResultStore keeps it, with what the REST API shows of the ended job
/// (Flink keeps that in its execution graph store), so that a new leader lists it too.
package struct JobResult: Codable, Sendable, Equatable {
    package var jobID: String
    package var status: JobStatus
    package var endTime: Int64
    /// The job as it ended; nil in results written before it was kept.
    package var detail: JobDetail?

    package init(jobID: String, status: JobStatus, endTime: Int64, detail: JobDetail? = nil) {
        self.jobID = jobID
        self.status = status
        self.endTime = endTime
        self.detail = detail
    }
}

/// What the JobGraphStore keeps of a job: enough to build it again on any JobManager.
package struct StoredJob: Codable, Sendable {
    package var jobID: String
    package var submission: JobSubmission
    /// The job's configuration (cluster defaults plus the submission's overrides).
    package var configuration: [String: String]

    package init(jobID: String, submission: JobSubmission, configuration: [String: String]) {
        self.jobID = jobID
        self.submission = submission
        self.configuration = configuration
    }
}

/// The high-availability services of a cluster. Three implementations:
/// - `StandaloneHAServices` (`high-availability.type: none`): one JobManager that always
///   leads; nothing outlives it, checkpoints are recorded in its memory only.
/// - `EmbeddedHAServices`: everything in memory, leadership granted at once, jobs and
///   checkpoint pointers kept for as long as the process lives (local mode, tests).
/// - `ZooKeeperHAServices` (`high-availability.type: zookeeper`): leader election, job graphs
///   and checkpoint pointers in ZooKeeper, so a standby takes over every job.
/// Writes from a JobManager that no longer leads must not land (ZooKeeper guards them with the
/// leader latch). `HighAvailabilityContractTests` checks what every implementation promises.
package protocol HighAvailabilityServices: Sendable {
    /// The election JobManagers compete in.
    var leaderElection: any LeaderElectionService { get }
    /// True when jobs outlive the leader: they are stored, and a new leader recovers them (so
    /// a leader that loses leadership suspends its jobs instead of ending them).
    var jobsOutliveLeader: Bool { get }

    // MARK: JobGraphStore
    /// Stores a job (again: the new one replaces it, as Flink's JobGraphStore does).
    func putJobGraph(_ job: StoredJob) async throws
    func jobGraphIDs() async throws -> [String]
    func jobGraph(_ jobID: String) async throws -> StoredJob
    func removeJobGraph(_ jobID: String) async throws

    // MARK: JobResultStore
    /// Records how a job ended; a job's first result stays.
    func putJobResult(_ result: JobResult) async throws
    func jobResult(_ jobID: String) async throws -> JobResult?
    /// Every recorded result, oldest end first.
    func jobResults() async throws -> [JobResult]
    /// Forgets a result (its job expired from the job store; gone already is fine).
    func removeJobResult(_ jobID: String) async throws

    // MARK: Checkpoint recovery
    /// Creates the job's checkpoint id counter at `start` unless it exists.
    func initializeCheckpointCounter(_ jobID: String, start: Int64) async throws
    /// The job's recorded completed checkpoints: id and directory, oldest first.
    func checkpointPointers(_ jobID: String) async throws -> [(id: Int64, directory: String)]
    /// Forgets the pointer to checkpoint `id` of the job (gone already is fine).
    func removeCheckpointPointer(_ jobID: String, _ id: Int64) async throws
    /// Forgets the job's checkpoint pointers and counter (the job reached a terminal state).
    func removeJobData(_ jobID: String) async throws
    /// The store the job's checkpoint coordinator records ids and completed checkpoints in;
    /// nil when they live only in the coordinator's memory.
    func checkpointRecoveryStore(jobID: String) -> (any CheckpointRecoveryStore)?

    /// Ends the services (closes connections).
    func close()
}
