// High availability in one process's memory: leadership granted at once, jobs and checkpoint
// pointers kept while the process lives (Flink's EmbeddedHaServices).

import RivuletRuntime
import Synchronization

/// Services that keep what ZooKeeper would keep, in memory: a JobManager started again in the
/// same process (local mode, tests) recovers its jobs from their latest checkpoints.
package final class EmbeddedHAServices: HighAvailabilityServices {
    struct JobCheckpoints {
        var nextID: Int64
        var pointers: [Int64: String] = [:]
    }
    struct State {
        var graphs: [String: StoredJob] = [:]
        var results: [String: JobResult] = [:]
        var checkpoints: [String: JobCheckpoints] = [:]
    }
    let state = Mutex(State())
    /// Grants leadership at once and tells in-process TaskManagers who leads.
    package let election = StandaloneLeaderElection()
    package var leaderElection: any LeaderElectionService { election }
    package var jobsOutliveLeader: Bool { true }

    package init() {}

    package func putJobGraph(_ job: StoredJob) async throws {
        state.withLock { $0.graphs[job.jobID] = job }
    }
    package func jobGraphIDs() async throws -> [String] { state.withLock { Array($0.graphs.keys) } }
    package func jobGraph(_ jobID: String) async throws -> StoredJob {
        guard let job = state.withLock({ $0.graphs[jobID] }) else { throw ClusterError("no stored job graph \(jobID)") }
        return job
    }
    package func removeJobGraph(_ jobID: String) async throws { state.withLock { _ = $0.graphs.removeValue(forKey: jobID) } }

    package func putJobResult(_ result: JobResult) async throws {
        state.withLock { if $0.results[result.jobID] == nil { $0.results[result.jobID] = result } }
    }
    package func jobResult(_ jobID: String) async throws -> JobResult? { state.withLock { $0.results[jobID] } }
    package func jobResults() async throws -> [JobResult] { state.withLock { $0.results.values.sorted { $0.endTime < $1.endTime } } }
    package func removeJobResult(_ jobID: String) async throws { state.withLock { _ = $0.results.removeValue(forKey: jobID) } }

    package func initializeCheckpointCounter(_ jobID: String, start: Int64) async throws {
        state.withLock { if $0.checkpoints[jobID] == nil { $0.checkpoints[jobID] = JobCheckpoints(nextID: start) } }
    }
    package func checkpointPointers(_ jobID: String) async throws -> [(id: Int64, directory: String)] {
        state.withLock { ($0.checkpoints[jobID]?.pointers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }
    package func removeCheckpointPointer(_ jobID: String, _ id: Int64) async throws {
        state.withLock { _ = $0.checkpoints[jobID]?.pointers.removeValue(forKey: id) }
    }
    package func removeJobData(_ jobID: String) async throws { state.withLock { _ = $0.checkpoints.removeValue(forKey: jobID) } }
    package func checkpointRecoveryStore(jobID: String) -> (any CheckpointRecoveryStore)? {
        EmbeddedCheckpointRecoveryStore(services: self, jobID: jobID)
    }

    package func close() {}
}

/// One job's checkpoint ids and pointers in `EmbeddedHAServices`.
struct EmbeddedCheckpointRecoveryStore: CheckpointRecoveryStore {
    let services: EmbeddedHAServices
    let jobID: String

    func nextCheckpointID() throws -> Int64 {
        try services.state.withLock { s in
            guard let id = s.checkpoints[jobID]?.nextID else {
                throw CheckpointStoreError("job \(jobID) has no checkpoint id counter", outcomeUnknown: false)
            }
            s.checkpoints[jobID]?.nextID = id + 1
            return id
        }
    }

    func addCheckpoint(_ id: Int64, directory: String) throws {
        try services.state.withLock { s in
            guard s.checkpoints[jobID] != nil else {
                throw CheckpointStoreError("job \(jobID) has no checkpoint record", outcomeUnknown: false)
            }
            s.checkpoints[jobID]?.pointers[id] = directory
        }
    }

    func removeCheckpoint(_ id: Int64) throws {
        services.state.withLock { _ = $0.checkpoints[jobID]?.pointers.removeValue(forKey: id) }
    }
}
