// A job's checkpoint id counter and completed-checkpoint pointers in ZooKeeper
// (`jobs/<jobId>/checkpoint_id_counter`, `jobs/<jobId>/checkpoints/<%019d id>`).

import Foundation
import RivuletRuntime
import RivuletZooKeeper
import Synchronization

/// The checkpoint coordinator's recovery store in an HA cluster. Every write is guarded by the
/// leader latch, so a JobManager that lost leadership records nothing. The coordinator calls
/// from its own threads; each call waits for the asynchronous ZooKeeper client.
struct ZooKeeperCheckpointRecoveryStore: CheckpointRecoveryStore {
    let services: ZooKeeperHAServices
    let jobID: String

    func nextCheckpointID() throws -> Int64 {
        try waitFor {
            let client = services.client
            let path = services.counterPath(jobID)
            while true {
                let node = try await client.retrying { try await client.get(path) }
                guard let value = Int64(String(decoding: node.data, as: UTF8.self)) else {
                    throw CheckpointStoreError(
                        "the checkpoint id counter \(path) holds '\(String(decoding: node.data, as: UTF8.self))', not a number", outcomeUnknown: false
                    )
                }
                do {
                    _ = try await services.guarded([.setData(path, Array(String(value + 1).utf8), version: node.stat.version)])
                    return value
                } catch let error as ZooKeeperError where error.code == .badVersion {
                    continue  // another write (or our own retried one) moved it on: read again
                }
            }
        }
    }

    func addCheckpoint(_ id: Int64, directory: String) throws {
        try waitFor {
            let path = services.checkpointsPath(jobID) + "/" + ZooKeeperHAServices.checkpointNodeName(id)
            do {
                _ = try await services.guarded([.create(path, Array(directory.utf8), .persistent)])
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                // Written by a retried call that had gone through.
            }
        }
    }

    func removeCheckpoint(_ id: Int64) throws {
        try waitFor { [services, jobID] in try await services.removeCheckpointPointer(jobID, id) }
    }

    /// Runs `body` on the concurrency pool and blocks this (non-pool) thread until it ends.
    private func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                let value = try await body()
                result.withLock { $0 = .success(value) }
            } catch { result.withLock { $0 = .failure(error) } }
            done.signal()
        }
        done.wait()
        switch result.withLock({ $0 }) {
        case .success(let value): return value
        case .failure(let error as CheckpointStoreError): throw error
        case .failure(let error as ZooKeeperError): throw CheckpointStoreError("\(error)", outcomeUnknown: error.outcomeUnknown)
        case .failure(let error): throw CheckpointStoreError("\(error)", outcomeUnknown: false)
        case nil: throw CheckpointStoreError("the ZooKeeper call ended without a result", outcomeUnknown: true)
        }
    }
}
