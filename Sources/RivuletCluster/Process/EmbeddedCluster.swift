// `rivulet local --web-ui`: a JobManager and a TaskManager in this process, so that a local
// job is served by the REST API, the Web UI and /metrics exactly as a cluster's job is.

import Foundation
import Logging
import RivuletRuntime
import Synchronization

/// Runs one catalog job on a JobManager and a TaskManager started in this process (on
/// loopback, the JobManager's RPC on a free port): the same Dispatcher, JobMaster,
/// ResourceManager and TaskExecutor code as a cluster, with the REST API and Web UI on
/// `rest.port`. Ends when the job ends; SIGINT and SIGTERM cancel it.
package enum EmbeddedCluster {
    /// What a run ended with.
    package struct Outcome: Sendable {
        package var jobID: String
        package var status: JobStatus
        package var failure: String?
    }

    package static func run(
        job name: String, arguments: [String], savepointPath: String?, configuration: Configuration, catalog: JobCatalog,
        announce: @Sendable (String) -> Void, logger: Logger
    ) async throws -> Outcome {
        // As many slots as the widest vertex needs (slot sharing).
        let built = try BuiltJob.build(catalog: catalog, name: name, arguments: arguments, configuration: configuration.values)
        var values = configuration.values
        values[ClusterOptions.jobManagerPort.key] = "0"
        values[ClusterOptions.taskManagerRPCPort.key] = "0"
        values[ClusterOptions.taskManagerDataPort.key] = "0"
        values[ClusterOptions.numberOfTaskSlots.key] = String(built.jobGraph.vertices.map(\.parallelism).max() ?? 1)
        let cluster = try Configuration(values, schema: .cluster)
        let registry = MetricRegistry.bootstrapped()
        let ha = StandaloneHAServices()
        let jobManager = JobManagerProcess(configuration: cluster, catalog: catalog, metrics: registry, logger: logger, ha: ha)
        let taskManager = TaskManagerProcess(
            configuration: cluster, catalog: catalog, metrics: registry, logger: Logger(label: "rivulet.taskmanager"),
            leaderRetrieval: ha.election)
        // Why each process stopped, once it did.
        let stopped = StopReasons()
        let jobManagerRun = Task {
            do { try await jobManager.run() } catch { stopped.record("JobManager", "\(error)") }
            stopped.record("JobManager", "it stopped")
        }
        let taskManagerRun = Task {
            do { try await taskManager.run() } catch { stopped.record("TaskManager", "\(error)") }
            stopped.record("TaskManager", "it stopped")
        }
        defer {
            jobManagerRun.cancel()
            taskManagerRun.cancel()
        }
        func checkRunning() throws {
            if let (process, why) = stopped.first { throw ClusterError("the \(process) in this process stopped: \(why)") }
        }
        // Leading, with its REST address published.
        var leader = await ha.election.currentLeader()
        while leader == nil {
            try checkRunning()
            try await Task.sleep(for: .milliseconds(10))
            leader = await ha.election.currentLeader()
        }
        guard let leader, let dispatcher = jobManager.currentDispatcher else { throw ClusterError("the JobManager in this process does not lead") }
        let id = try await dispatcher.submit(
            JobSubmission(job: name, arguments: arguments, savepointPath: savepointPath, configuration: configuration.values))
        let scheme = configuration[SecurityOptions.restSSL] ? "https" : "http"
        announce("Web UI: \(scheme)://\(ConfiguredHost(leader.restHost).with(port: leader.restPort))/#/jobs/\(id)")
        while true {
            let detail = try dispatcher.lookup(id).detail
            if detail.status.isTerminal {
                return Outcome(jobID: id, status: detail.status, failure: detail.exceptions?.last)
            }
            // A signal stopped the JobManager, which cancelled its jobs.
            if stopped.has("JobManager") { return Outcome(jobID: id, status: .canceled, failure: nil) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Why the processes of an embedded cluster stopped (the first reason of each is kept).
final class StopReasons: Sendable {
    private let reasons = Mutex<[(process: String, why: String)]>([])

    func record(_ process: String, _ why: String) {
        reasons.withLock { r in if !r.contains(where: { $0.process == process }) { r.append((process, why)) } }
    }

    var first: (process: String, why: String)? { reasons.withLock { $0.first } }

    func has(_ process: String) -> Bool { reasons.withLock { r in r.contains { $0.process == process } } }
}
