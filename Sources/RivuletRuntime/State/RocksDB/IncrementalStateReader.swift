// Turns an incremental RocksDB checkpoint back into canonical keyed state for a restore.

import Foundation
import RivuletCore
import RivuletRocksDB

/// Downloads the files of a native RocksDB checkpoint into a scratch directory, opens the
/// database and reads every column family in canonical form, so the state can be
/// redistributed to any parallelism and restored into either backend.
public enum IncrementalStateReader {
    public static func canonical(
        _ state: IncrementalKeyedState, scratchDirectory: String,
        readFile: (StateFileHandle) throws -> [UInt8]
    ) throws -> KeyedStateSnapshot {
        let directory = (scratchDirectory as NSString).appendingPathComponent("restore-\(UUID().uuidString.prefix(12))")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckpointStorageError(path: directory, problem: "cannot create a scratch directory for the restore: \(error.localizedDescription)")
        }
        for (name, handle) in state.files {
            let bytes = try readFile(handle)
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw CheckpointStorageError(path: path, problem: "cannot write the restored RocksDB file")
            }
        }
        var options = RocksDBOptions()
        options.createIfMissing = false
        let db: RocksDB
        do {
            db = try RocksDB(path: directory, options: options)
        } catch {
            throw CheckpointStorageError(path: directory, problem: "the RocksDB checkpoint cannot be opened: \(error)")
        }
        defer { db.close() }
        var result = state.heap
        result.maxParallelism = state.maxParallelism
        for (name, signature) in state.columnFamilies {
            let groups = try RocksDBKeyedStore.canonicalEntries(db, try db.columnFamily(name))
            result.states[name] = KeyedStateSnapshot.State(signature: signature, keyGroups: groups)
        }
        return result
    }
}
