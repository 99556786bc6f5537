// How one execution of a job starts and ends: restore point, savepoint on finish, logging.

import Foundation

/// Options of a local run (`MiniCluster.execute`) beyond the job's configuration.
public struct ExecutionOptions: Sendable {
    /// A savepoint directory to restore the job's state from.
    public var restoreFromSavepoint: String?
    /// Write a savepoint here when the job finishes (needs checkpointing).
    public var savepointOnFinish: String?
    /// The job id (names its checkpoint directory); random when nil.
    public var jobID: String?
    /// Where warnings and restart notices go (stderr by default).
    public var log: @Sendable (String) -> Void
    /// Makes checkpoint writes fail as on a full disk after this many bytes (the tests' fault injection).
    package var writeFault: FileSystemCheckpointStorage.WriteFault?

    public init(
        restoreFromSavepoint: String? = nil, savepointOnFinish: String? = nil, jobID: String? = nil,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.restoreFromSavepoint = restoreFromSavepoint
        self.savepointOnFinish = savepointOnFinish
        self.jobID = jobID
        self.log = log
    }

    /// Options whose checkpoint writes fail once `writeFault`'s budget is used up.
    package init(
        restoreFromSavepoint: String? = nil, savepointOnFinish: String? = nil, jobID: String? = nil,
        writeFault: FileSystemCheckpointStorage.WriteFault?,
        log: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) {
        self.init(restoreFromSavepoint: restoreFromSavepoint, savepointOnFinish: savepointOnFinish, jobID: jobID, log: log)
        self.writeFault = writeFault
    }
}
