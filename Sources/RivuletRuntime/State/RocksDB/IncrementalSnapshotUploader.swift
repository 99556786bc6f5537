// The asynchronous part of an incremental RocksDB checkpoint: upload new SST files, reuse old ones.

import Foundation
import Synchronization
import RivuletCore

/// Remembers which SST files of one database were uploaded by which checkpoint, and which of
/// them belong to a completed checkpoint and may be referenced again instead of uploaded.
/// Shared by the task thread (completion notices) and the upload thread.
public final class SharedSSTTracker: Sendable {
    struct State {
        var confirmed: [String: StateFileHandle] = [:]
        var byCheckpoint: [Int64: [String: StateFileHandle]] = [:]
    }
    let state = Mutex(State())

    public init() {}

    /// The handle of `sst` if a completed checkpoint uploaded it.
    func confirmedHandle(_ sst: String) -> StateFileHandle? { state.withLock { $0.confirmed[sst] } }

    /// Checkpoint `id` references these SST files.
    func record(_ id: Int64, _ files: [String: StateFileHandle]) { state.withLock { $0.byCheckpoint[id] = files } }

    /// Checkpoint `id` completed: its files may be referenced by later checkpoints.
    public func confirm(_ id: Int64) {
        state.withLock { s in
            if let files = s.byCheckpoint[id] { s.confirmed = files }
            s.byCheckpoint = s.byCheckpoint.filter { $0.key > id }
        }
    }
}

/// A native RocksDB checkpoint taken at the barrier (hard links, so it is cheap), waiting to
/// be uploaded. `upload` runs on the upload thread.
public struct PendingIncrementalSnapshot: Sendable {
    /// The local directory of the native checkpoint (deleted after the upload).
    let localDirectory: String
    let maxParallelism: Int
    let keyGroupRange: KeyGroupRange
    let columnFamilies: [String: String]
    let heap: KeyedStateSnapshot
    let tracker: SharedSSTTracker
    /// Unique per database instance: SST file numbers are unique only within one database.
    let instanceID: String

    /// Uploads the SST files no completed checkpoint uploaded into `shared/`, the other files
    /// into the checkpoint's directory, and describes the result.
    package func upload(to storage: FileSystemCheckpointStorage, checkpointID: Int64, filePrefix: String) throws -> IncrementalKeyedState {
        defer { try? FileManager.default.removeItem(atPath: localDirectory) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: localDirectory).sorted()
        } catch {
            throw CheckpointStorageError(path: localDirectory, problem: "cannot list the RocksDB checkpoint: \(error.localizedDescription)")
        }
        var files: [String: StateFileHandle] = [:]
        var ssts: [String: StateFileHandle] = [:]
        var uploaded: [String] = []
        // A failed upload removes the shared files it added: no checkpoint will reference them.
        var completed = false
        defer { if !completed { storage.deleteShared(uploaded) } }
        for name in names {
            let local = (localDirectory as NSString).appendingPathComponent(name)
            if name.hasSuffix(".sst") {
                if let handle = tracker.confirmedHandle(name) {
                    files[name] = handle
                } else {
                    let handle = try storage.writeFile(try Self.read(local), relativePath: "shared/\(instanceID)-\(name)")
                    files[name] = handle
                    uploaded.append(handle.path)
                }
                ssts[name] = files[name]
            } else {
                files[name] = try storage.writeFile(try Self.read(local), relativePath: "chk-\(checkpointID)/\(filePrefix)-\(name)")
            }
        }
        tracker.record(checkpointID, ssts)
        completed = true
        return IncrementalKeyedState(
            maxParallelism: maxParallelism, keyGroupRange: keyGroupRange,
            columnFamilies: columnFamilies, files: files, heap: heap)
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointStorageError(path: path, problem: "cannot read the local RocksDB checkpoint file")
        }
        return [UInt8](data)
    }
}
