// Checks the paths a run restores from and writes its final savepoint to, before any task starts.

import Foundation
import RivuletCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A snapshot to restore from: its metadata and the directory its file paths are relative to.
@usableFromInline package struct SnapshotLocation: Sendable {
    /// The directory holding `_metadata`.
    @usableFromInline package let directory: String
    /// The snapshot's verified metadata.
    @usableFromInline package let metadata: CheckpointMetadata
    /// What the metadata's file paths are relative to: the savepoint directory itself, or the job
    /// directory above a retained checkpoint's `chk-<n>`.
    @usableFromInline package let fileBase: String

    /// Resolves `path` as a user gives it to `--from-savepoint`: a savepoint directory, a retained
    /// checkpoint's `chk-<n>` directory, or the `_metadata` file of either. Every error is one
    /// line naming `path` (or its `_metadata`) and the problem.
    @usableFromInline package static func resolve(_ path: String) throws -> SnapshotLocation {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CheckpointStorageError(path: path, problem: "cannot restore: no savepoint there (the path does not exist)")
        }
        var directory = path
        if !isDirectory.boolValue {
            guard (path as NSString).lastPathComponent == FileSystemCheckpointStorage.metadataFileName else {
                throw CheckpointStorageError(path: path, problem: "cannot restore: not a savepoint (give its directory or its _metadata file)")
            }
            directory = (path as NSString).deletingLastPathComponent
            if directory.isEmpty { directory = "." }
        }
        let metadataPath = (directory as NSString).appendingPathComponent(FileSystemCheckpointStorage.metadataFileName)
        guard fm.fileExists(atPath: metadataPath) else {
            throw CheckpointStorageError(path: directory, problem: "cannot restore: not a savepoint (the directory has no _metadata file)")
        }
        let metadata = try FileSystemCheckpointStorage.readMetadata(directory: directory)
        switch metadata.kind {
        case .savepoint:
            return SnapshotLocation(directory: directory, metadata: metadata, fileBase: directory)
        case .checkpoint:
            // Checkpoint files are relative to the job directory: chk-<n>/... and shared/...
            let parent = (directory as NSString).deletingLastPathComponent
            return SnapshotLocation(directory: directory, metadata: metadata, fileBase: parent.isEmpty ? "." : parent)
        }
    }

    /// Checks, before the job runs, that a savepoint can be written into `directory` when it
    /// finishes: checkpointing is on, and the directory can be created and holds no savepoint yet.
    package static func checkSavepointTarget(_ directory: String, checkpointing: Bool) throws {
        guard checkpointing else {
            throw ConfigurationError(
                "a savepoint on finish (into '\(directory)') needs checkpointing: set execution.checkpointing.interval and state.checkpoints.dir")
        }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckpointStorageError(path: directory, problem: "cannot create the savepoint directory: \(Self.reason(error))")
        }
        if fm.fileExists(atPath: (directory as NSString).appendingPathComponent(FileSystemCheckpointStorage.metadataFileName)) {
            throw CheckpointStorageError(path: directory, problem: "already holds a savepoint (_metadata exists); choose an empty directory")
        }
    }

    /// The operating system's reason inside a Foundation error, without Foundation's framing.
    static func reason(_ error: any Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return error.localizedDescription
    }
}
