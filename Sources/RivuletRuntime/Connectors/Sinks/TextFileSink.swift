// Writes each record as a line into part files under a directory, committed in two phases.

import Foundation
import RivuletCore

/// Writes `String(describing:)` of each record as a line into part files under `directory`.
///
/// Records go to a hidden in-progress file. Without checkpointing it becomes
/// `part-<subtask>` when the subtask ends. With checkpointing it is exactly-once: at each
/// barrier the in-progress file becomes a hidden pending file, and when the checkpoint
/// completes it is renamed to `part-<subtask>-<checkpoint>` (never overwriting a committed
/// file). Readers see only committed files: names that do not start with a dot.
public struct TextFileSink<T: Sendable>: Sink {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        Writer(directory: directory, subtask: subtaskIndex)
    }

    /// A pre-committed part file: its hidden pending name and the name it is committed to.
    public struct Committable: BinaryCodable, Sendable, Equatable {
        public var pending: String
        public var final: String
        public var checkpointID: Int64

        public func encode(to writer: inout BinaryWriter) {
            pending.encode(to: &writer)
            final.encode(to: &writer)
            writer.writeInt64(checkpointID)
        }

        public init(pending: String, final: String, checkpointID: Int64) {
            self.pending = pending
            self.final = final
            self.checkpointID = checkpointID
        }

        public init(from reader: inout BinaryReader) throws {
            pending = try String(from: &reader)
            final = try String(from: &reader)
            checkpointID = try reader.readInt64()
        }
    }

    /// Writes one subtask's part files.
    public struct Writer: TwoPhaseCommittingSinkWriter {
        let directory: String
        let subtask: Int
        var runID = "run0"
        var checkpointing = false
        var fd: Int32 = -1
        var inProgress = ""
        var fileCounter = 0
        var buffer: [UInt8] = []
        var pending: [Committable] = []

        init(directory: String, subtask: Int) {
            self.directory = directory
            self.subtask = subtask
        }

        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

        public mutating func open(_ context: OperatorContext) throws {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ConnectorError("cannot create output directory '\(directory)': \(error.localizedDescription)")
            }
            runID = context.runID
            checkpointing = context.checkpointingEnabled
            try openFile()
        }

        mutating func openFile() throws {
            inProgress = ".part-\(subtask)-\(runID)-\(fileCounter).inprogress"
            fileCounter += 1
            fd = Glibc.open(path(inProgress), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw ConnectorError("cannot write output file '\(path(inProgress))': \(ConnectorError.errnoText())") }
        }

        public mutating func write(_ value: T, timestamp: Int64) throws {
            LineOutput.append(value, to: &buffer)
            if buffer.count >= 1 << 18 { try flush() }
        }

        public mutating func flush() throws {
            guard !buffer.isEmpty, fd >= 0 else { return }
            try LineOutput.writeAll(buffer, to: fd, what: "output file '\(path(inProgress))'")
            buffer.removeAll(keepingCapacity: true)
        }

        /// Flushes, syncs and closes the in-progress file; returns its name, or nil when empty.
        mutating func closeFile() throws -> String? {
            guard fd >= 0 else { return nil }
            try flush()
            let size = lseek(fd, 0, SEEK_END)
            if size > 0 && fsync(fd) != 0 {
                throw ConnectorError("cannot sync output file '\(path(inProgress))': \(ConnectorError.errnoText())")
            }
            Glibc.close(fd)
            fd = -1
            if size <= 0 {
                unlink(path(inProgress))
                return nil
            }
            return inProgress
        }

        public mutating func preCommit(checkpointID: Int64) throws -> [Committable] {
            if let file = try closeFile() {
                let name = ".part-\(subtask)-\(runID)-c\(checkpointID).pending"
                guard rename(path(file), path(name)) == 0 else {
                    throw ConnectorError("cannot move '\(path(file))' to '\(path(name))': \(ConnectorError.errnoText())")
                }
                pending.append(Committable(pending: name, final: "part-\(subtask)-\(checkpointID)", checkpointID: checkpointID))
            }
            try openFile()
            return pending
        }

        public mutating func commit(upTo checkpointID: Int64) throws {
            for c in pending where c.checkpointID <= checkpointID { try commitFile(c) }
            pending.removeAll { $0.checkpointID <= checkpointID }
        }

        /// Gives a pending file its final name; a file committed before is left alone, and a
        /// committed file is never overwritten. Safe when several subtasks commit the same
        /// committables at once (after a restore every subtask gets all of them): the final name
        /// is created with `link`, which fails rather than replace, then the pending name goes.
        func commitFile(_ c: Committable) throws {
            let from = path(c.pending), to = path(c.final)
            if link(from, to) == 0 {
                unlink(from)
                return
            }
            let code = errno
            var fromInfo = stat(), toInfo = stat()
            let fromExists = stat(from, &fromInfo) == 0, toExists = stat(to, &toInfo) == 0
            switch code {
            case EEXIST where fromExists && toExists && (fromInfo.st_dev, fromInfo.st_ino) != (toInfo.st_dev, toInfo.st_ino):
                throw ConnectorError("cannot commit '\(from)': '\(to)' is already committed and is never overwritten")
            case EEXIST:
                // Committed before, or by another subtask right now.
                if fromExists { unlink(from) }
            case ENOENT where toExists:
                break  // committed before
            case ENOENT:
                throw ConnectorError("cannot commit '\(to)': its pending file '\(from)' is missing")
            default:
                throw ConnectorError("cannot commit '\(from)' as '\(to)': \(String(cString: strerror(code)))")
            }
        }

        public mutating func recover(_ committables: [Committable]) throws {
            for c in committables {
                // A savepoint of another job (perhaps written into another directory): what that
                // job committed stays where it is, and a file missing here is not this job's loss.
                if !Self.isOwnFile(c.pending, runID: runID) && !FileManager.default.fileExists(atPath: path(c.pending)) { continue }
                try commitFile(c)
            }
            // Uncommitted files of failed runs hold records the restored sources replay.
            let keep = Set(committables.map(\.pending))
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for name in names where name.hasPrefix(".part-") && !name.contains("-\(runID)-") && !keep.contains(name) {
                unlink(path(name))
            }
        }

        /// True when the hidden file `name` (`.part-<subtask>-<runID>-...`) was written by a run of
        /// the same job as `runID`. Run ids are `<job id prefix>a<attempt>` (see `TaskJobRun.start`).
        static func isOwnFile(_ name: String, runID: String) -> Bool {
            guard let a = runID.lastIndex(of: "a") else { return true }
            return name.contains("-\(runID[...a])")
        }

        public mutating func close() throws {
            guard let file = try closeFile() else { return }
            if checkpointing {
                // Records after the last checkpoint of a cancelled run: never committed.
                return
            }
            let final = path("part-\(subtask)")
            guard rename(path(file), final) == 0 else {
                throw ConnectorError("cannot commit output file '\(final)': \(ConnectorError.errnoText())")
            }
        }
    }
}
