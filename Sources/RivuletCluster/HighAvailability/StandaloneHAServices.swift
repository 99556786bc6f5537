// High availability off: one JobManager that leads from the start, and nothing that outlives it.

import RivuletRuntime
import Synchronization

/// The services of a cluster without high availability (`high-availability.type: none`, Flink's
/// StandaloneHaServices): the JobManager leads at once; job graphs are not stored (a JobManager
/// that dies takes its jobs with it); results are kept in memory; checkpoint ids and completed
/// checkpoints live in each job's checkpoint coordinator.
package final class StandaloneHAServices: HighAvailabilityServices {
    package var leaderElection: any LeaderElectionService { election }
    /// The election, which also retrieves the leader it confirmed (for TaskManagers in this process).
    package let election = StandaloneLeaderElection()
    package var jobsOutliveLeader: Bool { false }
    private let results = Mutex<[String: JobResult]>([:])

    package init() {}

    package func putJobGraph(_ job: StoredJob) async throws {}
    package func jobGraphIDs() async throws -> [String] { [] }
    package func jobGraph(_ jobID: String) async throws -> StoredJob {
        throw ClusterError("job \(jobID) is not stored: without high availability no job graph is kept")
    }
    package func removeJobGraph(_ jobID: String) async throws {}

    package func putJobResult(_ result: JobResult) async throws {
        results.withLock { if $0[result.jobID] == nil { $0[result.jobID] = result } }
    }
    package func jobResult(_ jobID: String) async throws -> JobResult? { results.withLock { $0[jobID] } }
    package func jobResults() async throws -> [JobResult] { results.withLock { $0.values.sorted { $0.endTime < $1.endTime } } }
    package func removeJobResult(_ jobID: String) async throws { results.withLock { _ = $0.removeValue(forKey: jobID) } }

    package func initializeCheckpointCounter(_ jobID: String, start: Int64) async throws {}
    package func checkpointPointers(_ jobID: String) async throws -> [(id: Int64, directory: String)] { [] }
    package func removeCheckpointPointer(_ jobID: String, _ id: Int64) async throws {}
    package func removeJobData(_ jobID: String) async throws {}
    package func checkpointRecoveryStore(jobID: String) -> (any CheckpointRecoveryStore)? { nil }

    package func close() {}
}
