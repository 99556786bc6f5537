// The producer TaskManager's registry of subpartitions served to remote consumers.

import Synchronization

/// Finds (or creates) the subpartition a consumer requests or a producer writes, so the two
/// meet whichever arrives first, and releases a job run's subpartitions when the run ends.
package final class ResultPartitionManager: Sendable {
    struct State {
        var subpartitions: [SubpartitionKey: RemoteSubpartition] = [:]
        /// Runs already released ("job#attempt"): late requests for them get an error.
        var released: Set<String> = []
    }
    private let state = Mutex(State())

    package init() {}

    static func run(_ jobID: String, _ attempt: Int) -> String { "\(jobID)#\(attempt)" }

    /// The subpartition of `key`, created when absent; nil when its run was released.
    package func subpartition(_ key: SubpartitionKey) -> RemoteSubpartition? {
        state.withLock { s in
            if s.released.contains(Self.run(key.jobID, key.attempt)) { return nil }
            if let existing = s.subpartitions[key] { return existing }
            let created = RemoteSubpartition(key: key)
            s.subpartitions[key] = created
            return created
        }
    }

    /// Cancels and forgets every subpartition of run `attempt` of job `jobID`.
    package func release(jobID: String, attempt: Int) {
        let dropped = state.withLock { s -> [RemoteSubpartition] in
            s.released.insert(Self.run(jobID, attempt))
            let keys = s.subpartitions.keys.filter { $0.jobID == jobID && $0.attempt == attempt }
            return keys.compactMap { s.subpartitions.removeValue(forKey: $0) }
        }
        for subpartition in dropped { subpartition.cancel() }
    }
}
