// Turns a completed snapshot into a self-contained savepoint directory.

import Foundation
import RivuletCore

/// Copies every file a snapshot references into one directory and writes `_metadata` there
/// with paths relative to it, so the savepoint needs nothing from the checkpoint storage.
@usableFromInline package enum SavepointWriter {
    /// Exports `metadata`, whose files are in `storage`, to `directory`; returns the directory.
    @usableFromInline package static func export(
        _ metadata: CheckpointMetadata, from storage: FileSystemCheckpointStorage,
        to directory: String
    ) throws -> String {
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckpointStorageError(path: directory, problem: "cannot create the savepoint directory: \(error.localizedDescription)")
        }
        if fm.fileExists(atPath: (directory as NSString).appendingPathComponent("_metadata")) {
            throw CheckpointStorageError(path: directory, problem: "already holds a savepoint (_metadata exists); choose an empty directory")
        }
        var exported = metadata
        exported.kind = .savepoint
        for (o, op) in metadata.operators.enumerated() {
            for (s, subtask) in op.subtasks.enumerated() {
                guard let file = subtask.stateFile else { continue }
                let bytes = try storage.readFile(file)
                let name = (file.path as NSString).lastPathComponent
                let handle = try writeFile(bytes, directory: directory, name: name)
                exported.operators[o].subtasks[s].stateFile = handle
                exported.operators[o].subtasks[s].sharedFiles = []
                exported.operators[o].subtasks[s].localFiles = [:]
            }
        }
        try FileSystemCheckpointStorage.writeMetadata(exported, directory: directory)
        return directory
    }

    static func writeFile(_ bytes: [UInt8], directory: String, name: String) throws -> StateFileHandle {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CheckpointStorageError(path: path, problem: "cannot write the savepoint file")
        }
        return StateFileHandle(path: name, size: Int64(bytes.count), crc32c: CRC32C.checksum(bytes))
    }
}
