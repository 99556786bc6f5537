// Tests the checkpoint file system storage: layout, atomic writes, disk-full and unwritable directories, skipping broken checkpoints.

import Foundation
import Rivulet
import RivuletCore
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class CheckpointStorageTests: XCTestCase {
    private var scratch = ""

    override func setUpWithError() throws {
        scratch = NSTemporaryDirectory() + "rivulet-checkpoint-storage-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: scratch)
    }

    private func makeStorage(jobID: String = "job-a", writeFault: FileSystemCheckpointStorage.WriteFault? = nil) throws -> FileSystemCheckpointStorage
    {
        let storage = FileSystemCheckpointStorage(baseDirectory: scratch + "/checkpoints", jobID: jobID, writeFault: writeFault)
        try storage.initialize()
        return storage
    }

    /// Every file under `directory`, relative to it, sorted.
    private func filesUnder(_ directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(name)
            }
        }
        return files.sorted()
    }

    /// Writes a state file and the `_metadata` of checkpoint `id` with one operator whose
    /// subtask 0 holds `state`; returns the state file's handle.
    @discardableResult
    private func writeCheckpoint(_ id: Int64, state: [UInt8], to storage: FileSystemCheckpointStorage) throws -> StateFileHandle {
        let handle = try storage.writeFile(state, relativePath: "chk-\(id)/counts-0.state")
        let metadata = CheckpointMetadata(
            jobID: storage.jobID, jobName: "test", checkpointID: id, timestamp: 1000 * id, kind: .checkpoint,
            operators: [
                OperatorStateMetadata(
                    uid: "counts", name: "counts", parallelism: 1, maxParallelism: 128,
                    subtasks: [
                        SubtaskStateHandle(subtaskIndex: 0, keyGroupRange: KeyGroupRange(startKeyGroup: 0, endKeyGroup: 128), stateFile: handle)
                    ])
            ])
        try storage.writeMetadata(metadata)
        return handle
    }

    /// The error `body` throws, failing the test if it does not throw one.
    private func storageError(
        _ body: () throws(CheckpointStorageError) -> Void, file: StaticString = #filePath, line: UInt = #line
    ) -> CheckpointStorageError? {
        do {
            try body()
            XCTFail("expected a CheckpointStorageError", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Layout and writes

    func testInitializeCreatesTheFlinkLayout() throws {
        let storage = try makeStorage()
        let job = scratch + "/checkpoints/job-a"
        XCTAssertEqual(storage.jobDirectory, job)
        XCTAssertEqual(storage.checkpointDirectory(3), job + "/chk-3")
        XCTAssertEqual(storage.sharedDirectory, job + "/shared")
        XCTAssertEqual(storage.taskOwnedDirectory, job + "/taskowned")
        for directory in [job, storage.sharedDirectory, storage.taskOwnedDirectory] {
            var isDirectory: ObjCBool = false
            XCTAssertTrue(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue, directory)
        }
        XCTAssertEqual(filesUnder(job), [], "the write probe is removed")

        let state: [UInt8] = Array("some state".utf8)
        let handle = try storage.writeFile(state, relativePath: "chk-3/counts-0.state")
        XCTAssertEqual(handle, StateFileHandle(path: "chk-3/counts-0.state", size: Int64(state.count), crc32c: CRC32C.checksum(state)))
        XCTAssertEqual(FileManager.default.contents(atPath: job + "/chk-3/counts-0.state").map { Array($0) }, state)
        XCTAssertEqual(try storage.readFile(handle), state)
    }

    func testAtomicWritesLeaveNoTemporaryFiles() throws {
        let storage = try makeStorage()
        try writeCheckpoint(1, state: [1, 2, 3], to: storage)
        _ = try storage.writeFile([UInt8](repeating: 7, count: 1 << 20), relativePath: "shared/big.sst")
        _ = try storage.writeFile([], relativePath: "chk-1/empty.state")
        _ = try storage.writeFile([9], relativePath: "chk-1/counts-0.state")  // replaces atomically
        XCTAssertEqual(filesUnder(storage.jobDirectory), ["chk-1/_metadata", "chk-1/counts-0.state", "chk-1/empty.state", "shared/big.sst"])
    }

    func testUncreatableBaseDirectoryNamesThePathAndTheReason() throws {
        // Root ignores permission bits, so use a base whose parent is a regular file (ENOTDIR for everyone).
        let file = scratch + "/file"
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let storage = FileSystemCheckpointStorage(baseDirectory: file + "/sub", jobID: "job-a")
        let error = storageError { () throws(CheckpointStorageError) in try storage.initialize() }
        XCTAssertEqual(error?.path, file + "/sub")
        XCTAssertTrue(error?.description.contains(String(cString: strerror(ENOTDIR))) ?? false, "\(String(describing: error))")
    }

    func testRelativePathsThatEscapeTheJobDirectoryAreRefused() throws {
        let storage = try makeStorage()
        XCTAssertNotNil(storageError { () throws(CheckpointStorageError) in _ = try storage.writeFile([1], relativePath: "../escape") })
        XCTAssertNotNil(storageError { () throws(CheckpointStorageError) in _ = try storage.writeFile([1], relativePath: "/etc/escape") })
        XCTAssertNotNil(
            storageError { () throws(CheckpointStorageError) in
                _ = try FileSystemCheckpointStorage.readFile(
                    StateFileHandle(path: "../../etc/passwd", size: 1, crc32c: 0), base: storage.jobDirectory)
            })
    }

    // MARK: Disk full

    func testInjectedDiskFullLeavesNoPartialFileAndNamesThePath() throws {
        let storage = try makeStorage(writeFault: .init(failAfterBytes: 100))
        _ = try storage.writeFile([UInt8](repeating: 1, count: 60), relativePath: "chk-1/a.state")
        let error = storageError { () throws(CheckpointStorageError) in
            _ = try storage.writeFile([UInt8](repeating: 2, count: 80), relativePath: "chk-1/b.state")
        }
        XCTAssertEqual(error?.path, storage.checkpointDirectory(1) + "/b.state")
        XCTAssertTrue(error?.problem.contains(String(cString: strerror(ENOSPC))) ?? false, "\(String(describing: error))")
        XCTAssertEqual(filesUnder(storage.jobDirectory), ["chk-1/a.state"], "no partial or temporary file is left")

        // The disk stays full: metadata writes fail the same way and leave nothing behind.
        let metadata = CheckpointMetadata(jobID: storage.jobID, jobName: "test", checkpointID: 1, timestamp: 0, kind: .checkpoint, operators: [])
        let metadataError = storageError { () throws(CheckpointStorageError) in try storage.writeMetadata(metadata) }
        XCTAssertEqual(metadataError?.path, storage.checkpointDirectory(1) + "/_metadata")
        XCTAssertEqual(filesUnder(storage.jobDirectory), ["chk-1/a.state"])
        XCTAssertEqual(storage.completedCheckpointIDs(), [])
    }

    func testInjectedErrnoIsReported() throws {
        let storage = try makeStorage(writeFault: .init(failAfterBytes: 0, errno: EIO))
        let error = storageError { () throws(CheckpointStorageError) in _ = try storage.writeFile([1, 2, 3], relativePath: "chk-1/a.state") }
        XCTAssertTrue(error?.problem.contains(String(cString: strerror(EIO))) ?? false, "\(String(describing: error))")
        XCTAssertEqual(filesUnder(storage.jobDirectory), [])
    }

    /// A real full file system: a 64 KiB tmpfs (needs root and mount permission; skipped otherwise).
    func testRealFullFileSystemLeavesNoPartialFile() throws {
        #if os(Linux)
        let mountPoint = scratch + "/tiny"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=64k") == 0 else {
            throw XCTSkip("cannot mount a tmpfs here: \(String(cString: strerror(errno)))")
        }
        defer { _ = umount(mountPoint) }
        let storage = FileSystemCheckpointStorage(baseDirectory: mountPoint, jobID: "job-a")
        try storage.initialize()
        let error = storageError { () throws(CheckpointStorageError) in
            _ = try storage.writeFile([UInt8](repeating: 3, count: 256 * 1024), relativePath: "chk-1/big.state")
        }
        XCTAssertEqual(error?.path, storage.checkpointDirectory(1) + "/big.state")
        XCTAssertTrue(error?.problem.contains(String(cString: strerror(ENOSPC))) ?? false, "\(String(describing: error))")
        XCTAssertEqual(filesUnder(storage.jobDirectory), [])
        // The space is free again: a small checkpoint fits.
        try writeCheckpoint(2, state: [1, 2, 3], to: storage)
        XCTAssertEqual(storage.latestValidCheckpoint(warn: { XCTFail($0) })?.id, 2)
        #else
        throw XCTSkip("mounting a tmpfs needs Linux")
        #endif
    }

    // MARK: Recovery

    func testTruncatedMetadataIsSkippedForThePreviousCheckpoint() throws {
        let storage = try makeStorage()
        try writeCheckpoint(1, state: [1], to: storage)
        try writeCheckpoint(2, state: [2], to: storage)
        let metadataPath = storage.checkpointDirectory(2) + "/_metadata"
        guard let bytes = FileManager.default.contents(atPath: metadataPath) else { return XCTFail("no metadata written") }
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: metadataPath))

        XCTAssertEqual(storage.completedCheckpointIDs(), [1, 2])
        var warnings: [String] = []
        let latest = storage.latestValidCheckpoint { warnings.append($0) }
        XCTAssertEqual(latest?.id, 1)
        XCTAssertEqual(latest?.metadata.checkpointID, 1)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.contains(storage.checkpointDirectory(2)) ?? false, "\(warnings)")
        XCTAssertTrue(warnings.first?.contains("truncated") ?? false, "\(warnings)")

        let error = storageError { () throws(CheckpointStorageError) in
            _ = try FileSystemCheckpointStorage.readMetadata(directory: storage.checkpointDirectory(2))
        }
        XCTAssertEqual(error?.path, metadataPath)
    }

    func testMissingReferencedFileIsSkippedForThePreviousCheckpoint() throws {
        let storage = try makeStorage()
        try writeCheckpoint(1, state: [1], to: storage)
        let handle = try writeCheckpoint(2, state: [2, 2], to: storage)
        try FileManager.default.removeItem(atPath: storage.jobDirectory + "/" + handle.path)

        var warnings: [String] = []
        XCTAssertEqual(storage.latestValidCheckpoint { warnings.append($0) }?.id, 1)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.contains(storage.checkpointDirectory(2)) ?? false, "\(warnings)")
        XCTAssertTrue(warnings.first?.contains(handle.path) ?? false, "\(warnings)")
    }

    func testNoUsableCheckpointGivesNil() throws {
        let storage = try makeStorage()
        XCTAssertNil(storage.latestValidCheckpoint { XCTFail("unexpected warning: \($0)") })
        try FileManager.default.createDirectory(atPath: storage.checkpointDirectory(9), withIntermediateDirectories: true)
        XCTAssertEqual(storage.completedCheckpointIDs(), [], "a checkpoint without _metadata is not completed")
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: storage.checkpointDirectory(9) + "/_metadata"))
        var warnings: [String] = []
        XCTAssertNil(storage.latestValidCheckpoint { warnings.append($0) })
        XCTAssertEqual(warnings.count, 1)
    }

    func testCorruptTruncatedAndMissingStateFilesAreDetectedByReadFile() throws {
        let storage = try makeStorage()
        let handle = try writeCheckpoint(1, state: Array("0123456789".utf8), to: storage)
        let path = storage.jobDirectory + "/" + handle.path

        try Data("0123456788".utf8).write(to: URL(fileURLWithPath: path))
        let corrupt = storageError { () throws(CheckpointStorageError) in _ = try storage.readFile(handle) }
        XCTAssertEqual(corrupt?.path, path)
        XCTAssertTrue(corrupt?.problem.contains("checksum mismatch") ?? false, "\(String(describing: corrupt))")

        try Data("01234".utf8).write(to: URL(fileURLWithPath: path))
        let truncated = storageError { () throws(CheckpointStorageError) in _ = try storage.readFile(handle) }
        XCTAssertTrue(truncated?.problem.contains("size mismatch") ?? false, "\(String(describing: truncated))")

        try FileManager.default.removeItem(atPath: path)
        let missing = storageError { () throws(CheckpointStorageError) in _ = try storage.readFile(handle) }
        XCTAssertTrue(missing?.problem.contains("missing") ?? false, "\(String(describing: missing))")
    }

    func testSavepointDirectoryRoundTrip() throws {
        let directory = scratch + "/savepoints/sp-1"
        let state: [UInt8] = [4, 5, 6]
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(state).write(to: URL(fileURLWithPath: directory + "/counts-0.state"))
        let handle = StateFileHandle(path: "counts-0.state", size: 3, crc32c: CRC32C.checksum(state))
        let metadata = CheckpointMetadata(
            jobID: "job-a", jobName: "test", checkpointID: 4, timestamp: 0, kind: .savepoint,
            operators: [
                OperatorStateMetadata(
                    uid: "counts", name: "counts", parallelism: 1, maxParallelism: 128,
                    subtasks: [
                        SubtaskStateHandle(subtaskIndex: 0, keyGroupRange: nil, stateFile: handle)
                    ])
            ])
        try FileSystemCheckpointStorage.writeMetadata(metadata, directory: directory)
        XCTAssertEqual(try FileSystemCheckpointStorage.readMetadata(directory: directory), metadata)
        XCTAssertEqual(try FileSystemCheckpointStorage.readFile(handle, base: directory), state)

        let missing = storageError { () throws(CheckpointStorageError) in
            _ = try FileSystemCheckpointStorage.readMetadata(directory: scratch + "/nowhere")
        }
        XCTAssertEqual(missing?.path, scratch + "/nowhere/_metadata")
        XCTAssertTrue(missing?.problem.contains("missing") ?? false, "\(String(describing: missing))")
    }

    // MARK: Deleting

    func testDiscardingCheckpointsSharedFilesAndTheJob() throws {
        let storage = try makeStorage()
        try writeCheckpoint(1, state: [1], to: storage)
        try writeCheckpoint(2, state: [2], to: storage)
        _ = try storage.writeFile([7], relativePath: "shared/a.sst")
        _ = try storage.writeFile([8], relativePath: "shared/b.sst")

        storage.discardCheckpoint(1)
        storage.discardCheckpoint(42)  // missing: fine
        XCTAssertEqual(storage.completedCheckpointIDs(), [2])

        storage.deleteShared(["shared/a.sst", "shared/never-written.sst", "chk-2/counts-0.state", "shared/../chk-2/_metadata"])
        XCTAssertEqual(
            filesUnder(storage.jobDirectory), ["chk-2/_metadata", "chk-2/counts-0.state", "shared/b.sst"],
            "only files under shared/ are deleted")

        storage.discardJob()
        XCTAssertFalse(FileManager.default.fileExists(atPath: storage.jobDirectory))
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/checkpoints"), "the base directory stays")
    }
}
