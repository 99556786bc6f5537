// Local mode: a job runs on the cluster's own components, started in this process.

import Foundation
import Logging
import RivuletCore
import RivuletNetwork
import RivuletRuntime
import Synchronization

/// The local cluster (Flink's MiniCluster): runs a job on a Dispatcher, a ResourceManager, a
/// JobMaster and one TaskExecutor started in this process, wired through in-process gateways
/// with embedded high-availability services. It is the same code that runs jobs on a cluster:
/// slots, deployment, checkpoint coordination, failover and restarts; only the placement
/// differs (every subtask's thread is in this process and its channels are in memory).
public final class MiniCluster: Sendable {
    struct State {
        var cancelled = false
        var master: JobMaster?
    }
    private let state = Mutex(State())
    /// The in-process components' log (silent unless given: a local run reports through
    /// `ExecutionOptions.log`).
    let logger: Logger

    public init() {
        logger = Logger(label: "rivulet.local") { _ in SwiftLogNoOpLogHandler() }
    }

    /// A MiniCluster whose components log to `logger`.
    package init(logger: Logger) {
        self.logger = logger
    }

    /// Cancels the running job (or the one about to start): every task stops at its next step.
    public func cancel() {
        let master = state.withLock { s -> JobMaster? in
            s.cancelled = true
            return s.master
        }
        master?.cancel()
    }

    /// Runs the job and returns when it finished, or throws the failure that ended it. With
    /// checkpointing a failed run restarts from the latest completed checkpoint, as the
    /// restart strategy allows. Blocks the calling thread; from async code, use `run`.
    @available(*, noasync, message: "use run, or env.executeAsync: this blocks a thread of the cooperative pool that the cluster needs")
    public func execute(_ graph: StreamGraph, jobGraph: JobGraph, options: ExecutionOptions = ExecutionOptions()) throws -> JobExecutionResult {
        try Self.waitBlocking { [self] in try await run(graph, jobGraph: jobGraph, options: options) }
    }

    /// Runs the job (see `execute`) without blocking a thread.
    public func run(_ graph: StreamGraph, jobGraph: JobGraph, options: ExecutionOptions = ExecutionOptions()) async throws -> JobExecutionResult {
        let configuration = graph.configuration
        let jobID = options.jobID ?? Dispatcher.newJobID()
        if let directory = options.savepointOnFinish {
            try SnapshotLocation.checkSavepointTarget(directory, checkpointing: configuration.checkpointingEnabled)
        }
        // The job's checkpoint storage, made here so that a bad directory fails the run before
        // anything starts, and so that the JobMaster and the TaskExecutor share it.
        var storage: FileSystemCheckpointStorage?
        if configuration.checkpointingEnabled {
            let checkpointConfig = try CheckpointConfig(configuration)
            let s = FileSystemCheckpointStorage(baseDirectory: checkpointConfig.directory, jobID: jobID, writeFault: options.writeFault)
            try s.initialize()
            storage = s
        }
        let built = BuiltJob(graph: graph, jobGraph: jobGraph)
        let cluster = try InProcessCluster(slots: jobGraph.vertices.map(\.parallelism).max() ?? 1, logger: logger)
        defer { cluster.shutdown(jobID: jobID) }
        cluster.jobs.add(jobID, JobSource.InProcessJob(built: built, storage: storage))
        let master = try await cluster.dispatcher.submit(
            built: built, jobID: jobID, savepointPath: options.restoreFromSavepoint,
            local: LocalExecution(storage: storage, savepointOnFinish: options.savepointOnFinish, notices: options.log))
        let cancelled = state.withLock { s -> Bool in
            s.master = master
            return s.cancelled
        }
        if cancelled { master.cancel() }
        let status = await master.waitForEnd()
        state.withLock { $0.master = nil }
        switch status {
        case .finished:
            return master.executionResult()
        case .canceled:
            throw JobExecutionError.cancelled(job: jobGraph.jobName)
        default:
            guard let failure = master.failure else {
                throw JobExecutionError.failed(
                    job: jobGraph.jobName, message: master.detail(full: true).exceptions?.last ?? "it ended \(status.rawValue)")
            }
            if let task = failure.task { throw JobExecutionError.taskFailed(task: task, message: failure.message) }
            throw JobExecutionError.failed(job: jobGraph.jobName, message: failure.message)
        }
    }

    /// Takes a savepoint of the running job into `directory` (checkpointing must be on).
    @available(*, noasync, message: "this blocks a thread of the cooperative pool that the cluster needs")
    public func triggerSavepoint(into directory: String) throws -> String {
        guard let master = state.withLock({ $0.master }) else {
            throw CheckpointFailure(
                "cannot take a savepoint: no job is running with checkpointing on (set execution.checkpointing.interval and state.checkpoints.dir)")
        }
        return try Self.waitBlocking { try await master.triggerSavepoint(into: directory) }
    }

    /// Runs `body` on Swift's concurrency pool and blocks the calling thread until it ends (the
    /// synchronous API of a local run; never called from the pool itself: see `noasync`).
    static func waitBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do {
                let value = try await body()
                outcome.withLock { $0 = .success(value) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        guard let result = outcome.withLock({ $0 }) else { throw RuntimeInvariantError("a blocking wait ended without an outcome") }
        return try result.get()
    }
}
