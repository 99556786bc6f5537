// Checkpoint files on a (shared) file system: layout, atomic durable writes, verified reads.

import Foundation
import RivuletCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The checkpoints of one job under `state.checkpoints.dir`, laid out as Flink does:
///
/// ```
/// <baseDirectory>/<jobID>/chk-<n>/_metadata      the completed checkpoint's metadata
/// <baseDirectory>/<jobID>/chk-<n>/<private files> state files of checkpoint n
/// <baseDirectory>/<jobID>/shared/<unique>.sst    incremental files shared by checkpoints
/// <baseDirectory>/<jobID>/taskowned/             files owned by the tasks
/// ```
///
/// Every write is atomic and durable (temporary file, `fsync`, `rename`, `fsync` of the
/// directory), so a crash leaves either the whole file or none; a checkpoint is complete once
/// its `_metadata` exists. Every read checks size and CRC32C. Errors name the file and the
/// operating system's reason. Immutable apart from the fault-injection byte counter, so it is
/// shared freely between tasks and the coordinator.
@usableFromInline package final class FileSystemCheckpointStorage: Sendable {
    /// Makes writes fail as on a full disk, for tests (a real full disk needs privileges).
    @usableFromInline package struct WriteFault: Sendable {
        /// Total bytes this storage may write before writes fail.
        @usableFromInline package let failAfterBytes: Int
        /// The error writes fail with once the budget is used up (`ENOSPC` by default).
        @usableFromInline package let errno: Int32

        /// Writes fail with `errno` once `failAfterBytes` bytes were written in total by the
        /// storage; the write that crosses the limit writes up to it, then fails.
        @usableFromInline package init(failAfterBytes: Int, errno: Int32 = ENOSPC) {
            self.failAfterBytes = max(0, failAfterBytes)
            self.errno = errno
        }
    }

    /// The name of a snapshot's metadata file within its directory.
    @usableFromInline package static let metadataFileName = "_metadata"

    /// `state.checkpoints.dir`.
    @usableFromInline package let baseDirectory: String
    /// The job whose checkpoints these are; names the job directory.
    @usableFromInline package let jobID: String
    /// The injected disk-full fault, if any.
    @usableFromInline package let writeFault: WriteFault?
    /// `<baseDirectory>/<jobID>`: every checkpoint path is relative to it.
    @usableFromInline package let jobDirectory: String
    /// Bytes written so far, counted only when `writeFault` is set.
    private let bytesWritten = Mutex<Int>(0)

    /// The storage of job `jobID` under `baseDirectory`. Nothing is touched until `initialize()`.
    @usableFromInline package init(baseDirectory: String, jobID: String, writeFault: WriteFault? = nil) {
        self.baseDirectory = baseDirectory
        self.jobID = jobID
        self.writeFault = writeFault
        self.jobDirectory = Self.join(baseDirectory, jobID)
    }

    /// `<jobDirectory>/chk-<id>`.
    @usableFromInline package func checkpointDirectory(_ id: Int64) -> String { Self.join(jobDirectory, "chk-\(id)") }

    /// `<jobDirectory>/shared`: files referenced by several incremental checkpoints.
    @usableFromInline package var sharedDirectory: String { Self.join(jobDirectory, "shared") }

    /// `<jobDirectory>/taskowned`: files the tasks own (never deleted by checkpoint subsumption).
    @usableFromInline package var taskOwnedDirectory: String { Self.join(jobDirectory, "taskowned") }

    // MARK: Setup

    /// Creates the base, job, shared and task-owned directories and checks that the job directory
    /// is writable by creating and removing a probe file. The error names the directory and why.
    @usableFromInline package func initialize() throws(CheckpointStorageError) {
        try Self.makeDirectories(baseDirectory, what: "the checkpoint directory (state.checkpoints.dir)")
        for directory in [jobDirectory, sharedDirectory, taskOwnedDirectory] {
            try Self.makeDirectories(directory, what: "the checkpoint directory")
        }
        let probe = Self.join(jobDirectory, ".write-probe-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        let fd = Self.retrying { open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            throw CheckpointStorageError(path: jobDirectory, problem: "the checkpoint directory is not writable: \(Self.errnoText(errno))")
        }
        _ = close(fd)
        _ = unlink(probe)
    }

    // MARK: Writing

    /// Writes `bytes` to `<jobDirectory>/<relativePath>` atomically and durably, creating the
    /// parent directory if needed, and returns its handle (path as given, size, CRC32C).
    ///
    /// On any failure (full disk, permissions, short write) the temporary file is removed, no
    /// file is left at the final path, and the error names the final path and the reason.
    @usableFromInline package func writeFile(_ bytes: [UInt8], relativePath: String) throws(CheckpointStorageError) -> StateFileHandle {
        let path = try Self.resolve(relativePath, base: jobDirectory)
        try Self.makeDirectories(Self.parent(of: path), what: "the directory of a checkpoint file")
        try Self.writeAtomically(bytes, to: path, limit: reserve)
        return StateFileHandle(path: relativePath, size: Int64(bytes.count), crc32c: CRC32C.checksum(bytes))
    }

    /// Writes `metadata` to `chk-<checkpointID>/_metadata` atomically and durably: from then on
    /// the checkpoint counts as completed.
    @usableFromInline package func writeMetadata(_ metadata: CheckpointMetadata) throws(CheckpointStorageError) {
        let directory = checkpointDirectory(metadata.checkpointID)
        let path = Self.join(directory, Self.metadataFileName)
        let bytes = try Self.encode(metadata, path: path)
        try Self.makeDirectories(directory, what: "the checkpoint directory")
        try Self.writeAtomically(bytes, to: path, limit: reserve)
    }

    /// Writes `metadata` to `<directory>/_metadata` atomically and durably (savepoints), creating
    /// the directory if needed.
    @usableFromInline package static func writeMetadata(_ metadata: CheckpointMetadata, directory: String) throws(CheckpointStorageError) {
        let path = join(directory, metadataFileName)
        let bytes = try encode(metadata, path: path)
        try makeDirectories(directory, what: "the savepoint directory")
        try writeAtomically(bytes, to: path, limit: nil)
    }

    /// Takes up to `wanted` bytes of the fault budget: how many may be written, and the errno to
    /// fail with if that is fewer than wanted.
    private func reserve(_ wanted: Int) -> (granted: Int, failure: Int32?) {
        guard let fault = writeFault else { return (wanted, nil) }
        return bytesWritten.withLock { written in
            let granted = min(wanted, max(0, fault.failAfterBytes - written))
            written += granted
            return (granted, granted < wanted ? fault.errno : nil)
        }
    }

    // MARK: Reading

    /// The bytes of checkpoint file `handle` (relative to the job directory), after checking
    /// that the file exists, has the recorded size and the recorded CRC32C.
    @usableFromInline package func readFile(_ handle: StateFileHandle) throws(CheckpointStorageError) -> [UInt8] {
        try Self.readFile(handle, base: jobDirectory)
    }

    /// The bytes of file `handle` whose path is relative to `base` (a savepoint directory),
    /// checked like `readFile(_:)`. A path that is absolute or climbs out of `base` is refused.
    @usableFromInline package static func readFile(_ handle: StateFileHandle, base: String) throws(CheckpointStorageError) -> [UInt8] {
        let path = try resolve(handle.path, base: base)
        let bytes = try readWholeFile(path, expectedSize: handle.size)
        let crc = CRC32C.checksum(bytes)
        guard crc == handle.crc32c else {
            throw CheckpointStorageError(
                path: path,
                problem: "checksum mismatch: the metadata records CRC32C \(hex(handle.crc32c)) but the file's is \(hex(crc)); the file is corrupt")
        }
        return bytes
    }

    /// Reads and verifies `<directory>/_metadata`. Errors name the `_metadata` path and say
    /// whether it is missing, truncated or corrupt.
    @usableFromInline package static func readMetadata(directory: String) throws(CheckpointStorageError) -> CheckpointMetadata {
        let path = join(directory, metadataFileName)
        let bytes = try readWholeFile(path, expectedSize: nil)
        do {
            return try CheckpointMetadataFormat.decode(bytes)
        } catch {
            throw CheckpointStorageError(path: path, problem: error.description)
        }
    }

    // MARK: Discovery

    /// The ids of the checkpoints whose `chk-<n>` directory holds a `_metadata` file, ascending.
    /// Whether the metadata is valid is checked by `latestValidCheckpoint(warn:)`.
    @usableFromInline package func completedCheckpointIDs() -> [Int64] {
        checkpointDirectoryIDs().filter {
            Self.fileType(Self.join(checkpointDirectory($0), Self.metadataFileName)) == .regular
        }
    }

    /// The ids of every `chk-<n>` directory, complete or not, ascending.
    func checkpointDirectoryIDs() -> [Int64] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: jobDirectory) else { return [] }
        return names.compactMap { name -> Int64? in
            guard name.hasPrefix("chk-") else { return nil }
            let digits = name.dropFirst(4)
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            return Int64(digits)
        }.sorted()
    }

    /// The newest completed checkpoint whose metadata reads back and whose referenced files all
    /// exist with their recorded sizes (checksums are verified when the files are read). Each
    /// checkpoint skipped on the way is reported through `warn` in one line naming its directory
    /// and the problem. Nil when no checkpoint is usable.
    /// With `candidates`, only those ids are considered (a JobMaster's retained checkpoints).
    @usableFromInline package func latestValidCheckpoint(
        among candidates: [Int64]? = nil, warn: (String) -> Void
    ) -> (id: Int64, metadata: CheckpointMetadata)? {
        for id in (candidates?.sorted() ?? completedCheckpointIDs()).reversed() {
            let directory = checkpointDirectory(id)
            let metadata: CheckpointMetadata
            do {
                metadata = try Self.readMetadata(directory: directory)
            } catch {
                warn("warning: skipping checkpoint \(id) in \(directory): \(error)")
                continue
            }
            if let problem = problem(with: metadata, id: id) {
                warn("warning: skipping checkpoint \(id) in \(directory): \(problem)")
                continue
            }
            return (id, metadata)
        }
        return nil
    }

    /// Why checkpoint `id` with `metadata` cannot be restored, or nil if every file is in place.
    private func problem(with metadata: CheckpointMetadata, id: Int64) -> String? {
        guard metadata.checkpointID == id else {
            return "its _metadata describes checkpoint \(metadata.checkpointID), not \(id)"
        }
        for file in metadata.allFiles {
            let path: String
            do { path = try Self.resolve(file.path, base: jobDirectory) } catch { return "\(error)" }
            var info = stat()
            guard Self.retrying({ stat(path, &info) }) == 0 else {
                return "referenced file \(path) cannot be found: \(Self.errnoText(errno))"
            }
            guard Int64(info.st_size) == file.size else {
                return "referenced file \(path) has \(info.st_size) byte(s) but the metadata records \(file.size)"
            }
        }
        return nil
    }

    // MARK: Deleting

    /// Removes `chk-<id>` and everything in it; a missing directory is fine.
    @usableFromInline package func discardCheckpoint(_ id: Int64) {
        Self.removeTree(checkpointDirectory(id))
    }

    /// Deletes shared files that no retained checkpoint references any more. Paths are relative to
    /// the job directory, as in `StateFileHandle.path` (e.g. `shared/abc.sst`); a path outside
    /// `shared/` (or climbing out of it) is ignored, so a bad entry can never delete private
    /// state. Missing files are fine.
    @usableFromInline package func deleteShared(_ relativePaths: [String]) {
        for relativePath in relativePaths {
            let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
            guard components.count >= 2, components.first == "shared",
                let path = try? Self.resolve(relativePath, base: jobDirectory)
            else { continue }
            _ = unlink(path)
        }
    }

    /// Deletes what no retained checkpoint needs: every `chk-<n>` directory whose id is not in
    /// `retained` (unfinished or orphaned checkpoints) and every file under `shared/` that
    /// `isShared` does not claim. Call it only while no checkpoint of the job is in flight.
    @usableFromInline package func sweep(keeping retained: [Int64], isShared: (String) -> Bool) {
        let keep = Set(retained)
        for id in checkpointDirectoryIDs() where !keep.contains(id) { discardCheckpoint(id) }
        let shared = (try? FileManager.default.contentsOfDirectory(atPath: sharedDirectory)) ?? []
        deleteShared(shared.map { "shared/" + $0 }.filter { !isShared($0) })
    }

    /// Removes the job directory with every checkpoint and shared file (a job that finished and
    /// retains nothing, or a test's leftovers).
    @usableFromInline package func discardJob() {
        Self.removeTree(jobDirectory)
    }

    // MARK: Paths

    /// `base/relative`, with exactly one `/` between them.
    static func join(_ base: String, _ relative: String) -> String {
        if base.isEmpty { return relative }
        let trimmed = relative.drop { $0 == "/" }
        return base.hasSuffix("/") ? base + trimmed : base + "/" + trimmed
    }

    /// The directory part of `path` (`.` for a bare name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `base/relative`, refusing an empty or absolute path or one with a `..` component, which
    /// would let metadata point outside the checkpoint or savepoint directory.
    private static func resolve(_ relative: String, base: String) throws(CheckpointStorageError) -> String {
        let components = relative.split(separator: "/", omittingEmptySubsequences: true)
        guard !relative.hasPrefix("/"), !components.isEmpty, !components.contains("..") else {
            throw CheckpointStorageError(
                path: join(base, relative), problem: "invalid state file path '\(relative)': it must be relative to \(base) and must not contain '..'"
            )
        }
        return join(base, relative)
    }

    // MARK: System calls

    /// What is at a path.
    private enum FileType { case missing, directory, regular, other }

    /// The type of the file at `path` (following symbolic links).
    private static func fileType(_ path: String) -> FileType {
        var info = stat()
        guard retrying({ stat(path, &info) }) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        default: return .other
        }
    }

    /// `mkdir -p path`. The error names `path` and, if different, the component that failed.
    private static func makeDirectories(_ path: String, what: String) throws(CheckpointStorageError) {
        if let (component, code) = createDirectory(path) {
            let at = component == path ? "" : " (at \(component))"
            throw CheckpointStorageError(path: path, problem: "cannot create \(what)\(at): \(errnoText(code))")
        }
    }

    /// Creates `path` and missing parents; returns the path that failed and its errno, or nil.
    private static func createDirectory(_ path: String) -> (String, Int32)? {
        if path.isEmpty || path == "." || path == "/" { return nil }
        if retrying({ mkdir(path, 0o755) }) == 0 { return nil }
        let code = errno
        switch code {
        case EEXIST:
            return fileType(path) == .directory ? nil : (path, ENOTDIR)
        case ENOENT:
            if let failure = createDirectory(parent(of: path)) { return failure }
            if retrying({ mkdir(path, 0o755) }) == 0 { return nil }
            let again = errno
            return again == EEXIST && fileType(path) == .directory ? nil : (path, again)
        default:
            return (path, code)
        }
    }

    /// Encodes metadata, naming `path` if that fails.
    private static func encode(_ metadata: CheckpointMetadata, path: String) throws(CheckpointStorageError) -> [UInt8] {
        do {
            return try CheckpointMetadataFormat.encode(metadata)
        } catch {
            throw CheckpointStorageError(path: path, problem: "cannot encode the checkpoint metadata: \(error)")
        }
    }

    /// Writes `bytes` to a temporary file next to `path`, syncs it, renames it to `path` and syncs
    /// the directory. `limit`, when given, grants each write's bytes (fault injection). On failure
    /// nothing is left at the temporary path nor at `path`.
    private static func writeAtomically(
        _ bytes: [UInt8], to path: String,
        limit: ((Int) -> (granted: Int, failure: Int32?))?
    ) throws(CheckpointStorageError) {
        let directory = parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? "file"
        let temporary = join(directory, ".\(name).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        func fail(_ step: String, _ code: Int32, removing: [String]) -> CheckpointStorageError {
            for leftover in removing { _ = unlink(leftover) }
            let during = step == "write" ? "" : " (\(step))"
            return CheckpointStorageError(path: path, problem: "cannot write the file\(during): \(errnoText(code))")
        }

        let fd = retrying { open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw fail("creating the temporary file \(temporary) failed", errno, removing: []) }
        var closed = false
        defer { if !closed { _ = close(fd) } }

        let writeError: (step: String, code: Int32)? = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                var allowed = raw.count - offset
                var injected: Int32?
                if let limit { (allowed, injected) = limit(allowed) }
                if allowed <= 0 { return ("write", injected ?? ENOSPC) }
                let end = offset + allowed
                while offset < end {
                    let n = write(fd, base + offset, end - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return ("write", errno)
                    }
                    if n == 0 { return ("short write: the file system accepted no bytes", EIO) }
                    offset += n
                }
                if let injected { return ("write", injected) }
            }
            return nil
        }
        if let writeError { throw fail(writeError.step, writeError.code, removing: [temporary]) }
        guard retrying({ fsync(fd) }) == 0 else { throw fail("fsync failed", errno, removing: [temporary]) }
        closed = true
        guard close(fd) == 0 else { throw fail("close failed", errno, removing: [temporary]) }
        guard retrying({ rename(temporary, path) }) == 0 else { throw fail("rename failed", errno, removing: [temporary]) }
        let dirFD = retrying { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard dirFD >= 0 else { throw fail("opening the directory for fsync failed", errno, removing: [path]) }
        defer { _ = close(dirFD) }
        if retrying({ fsync(dirFD) }) != 0 {
            let code = errno
            // File systems that cannot sync a directory say EINVAL; the rename is then as durable as it gets.
            if code != EINVAL && code != ENOTSUP { throw fail("fsync of the directory failed", code, removing: [path]) }
        }
    }

    /// The bytes of the file at `path`, checking its size against `expectedSize` before reading.
    private static func readWholeFile(_ path: String, expectedSize: Int64?) throws(CheckpointStorageError) -> [UInt8] {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            let problem = code == ENOENT ? "missing: the file does not exist" : "cannot open the file: \(errnoText(code))"
            throw CheckpointStorageError(path: path, problem: problem)
        }
        defer { _ = close(fd) }
        var info = stat()
        guard retrying({ fstat(fd, &info) }) == 0 else {
            throw CheckpointStorageError(path: path, problem: "cannot stat the file: \(errnoText(errno))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw CheckpointStorageError(path: path, problem: "not a regular file")
        }
        let size = Int(info.st_size)
        if let expectedSize, Int64(size) != expectedSize {
            throw CheckpointStorageError(
                path: path,
                problem: "size mismatch: the metadata records \(expectedSize) byte(s) but the file has \(size); it is truncated or was replaced")
        }
        var readError: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            while initialized < size {
                let n = read(fd, base + initialized, size - initialized)
                if n < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    return
                }
                if n == 0 { return }
                initialized += n
            }
        }
        if readError != 0 {
            throw CheckpointStorageError(path: path, problem: "cannot read the file: \(errnoText(readError))")
        }
        if bytes.count != size {
            throw CheckpointStorageError(
                path: path, problem: "size mismatch: the file shrank to \(bytes.count) byte(s) while being read (expected \(size))")
        }
        return bytes
    }

    /// Removes `path` and everything under it; a missing path is fine.
    private static func removeTree(_ path: String) {
        guard fileType(path) != .missing else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs a system call until it is not interrupted by a signal.
    private static func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    /// The operating system's text for `code`.
    private static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// `0x` and eight hex digits.
    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// A checkpoint storage operation failed: `path` is the file or directory at fault, `problem`
/// says what went wrong (with the operating system's reason where there is one).
@usableFromInline package struct CheckpointStorageError: Error, CustomStringConvertible, Sendable {
    /// The file or directory at fault.
    @usableFromInline package let path: String
    /// What went wrong, e.g. `missing: the file does not exist`.
    @usableFromInline package let problem: String

    /// An error about `path`.
    @usableFromInline package init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `<path>: <problem>`.
    @usableFromInline package var description: String { "\(path): \(problem)" }
}
