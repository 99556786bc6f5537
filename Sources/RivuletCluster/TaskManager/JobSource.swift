// Where a TaskExecutor gets the jobs it runs tasks of: rebuilt from the catalog, or handed over in-process.

import RivuletRuntime
import Synchronization

/// The jobs a TaskExecutor can run. In a cluster every process runs the same binary, so a
/// task's job is rebuilt from the catalog by name (and checked against the JobManager's graph
/// by its fingerprint). In local mode the MiniCluster hands over the job it was given: its
/// closures live in this process, and its checkpoint storage is the JobMaster's own.
package final class JobSource: Sendable {
    /// A job handed over in-process.
    package struct InProcessJob: Sendable {
        package var built: BuiltJob
        /// The job's checkpoint storage, shared with its JobMaster.
        package var storage: FileSystemCheckpointStorage?
    }

    let catalog: JobCatalog
    private let inProcess = Mutex<[String: InProcessJob]>([:])

    package init(catalog: JobCatalog) {
        self.catalog = catalog
    }

    /// Makes job `jobID` runnable here as built, until `remove`.
    package func add(_ jobID: String, _ job: InProcessJob) {
        inProcess.withLock { $0[jobID] = job }
    }

    package func remove(_ jobID: String) {
        inProcess.withLock { _ = $0.removeValue(forKey: jobID) }
    }

    /// The job a task belongs to, and its storage when it was handed over (nil: the task makes
    /// its own from the descriptor).
    func job(for descriptor: TaskDescriptor) throws -> InProcessJob {
        if let job = inProcess.withLock({ $0[descriptor.jobID] }) { return job }
        let built = try BuiltJob.build(
            catalog: catalog, name: descriptor.jobName, arguments: descriptor.arguments, configuration: descriptor.configuration)
        return InProcessJob(built: built, storage: nil)
    }
}
