// The Dispatcher: accepts job submissions, starts one JobMaster per job, answers queries.

import Foundation
import Logging
import Rivulet
import RivuletCore
import Synchronization

/// A request the Dispatcher refuses; the REST API answers it with `status`.
public struct DispatcherError: Error, CustomStringConvertible, Sendable {
    public let status: Int
    public let description: String
    public init(status: Int, _ description: String) {
        self.status = status
        self.description = description
    }
}

/// Receives jobs and runs a JobMaster for each (Flink's Dispatcher).
public final class Dispatcher: Sendable {
    let catalog: JobCatalog
    /// The cluster's configuration values: every job's defaults.
    let clusterConfiguration: [String: String]
    let resourceManager: ResourceManager
    let logger: Logger
    struct State {
        var jobs: [String: JobMaster] = [:]
        var order: [String] = []
        var tasks: [Task<Void, Never>] = []
    }
    private let state = Mutex(State())

    init(catalog: JobCatalog, clusterConfiguration: [String: String], resourceManager: ResourceManager, logger: Logger) {
        self.catalog = catalog
        self.clusterConfiguration = clusterConfiguration
        self.resourceManager = resourceManager
        self.logger = logger
        resourceManager.onTaskManagerLost { [weak self] id, reason in
            guard let self else { return }
            for job in self.state.withLock({ Array($0.jobs.values) }) { job.taskManagerLost(id, reason: reason) }
        }
    }

    /// Validates and starts a job; returns its id.
    public func submit(_ submission: JobSubmission) throws -> String {
        guard catalog.jobs.contains(where: { $0.name == submission.job }) else {
            throw DispatcherError(status: 404, "unknown job '\(submission.job)'; known jobs: \(catalog.jobs.map(\.name).joined(separator: ", "))")
        }
        var configuration = clusterConfiguration
        for (key, value) in submission.configuration ?? [:] { configuration[key] = value }
        if let p = submission.parallelism {
            guard (1...32768).contains(p) else {
                throw DispatcherError(status: 400, "parallelism must be from 1 to 32768, got \(p)")
            }
            configuration["parallelism.default"] = String(p)
        }
        do {
            _ = try Configuration(configuration)
        } catch {
            throw DispatcherError(status: 400, "\(error)")
        }
        let built: BuiltJob
        do {
            built = try BuiltJob.build(catalog: catalog, name: submission.job, arguments: submission.arguments ?? [], configuration: configuration)
        } catch {
            throw DispatcherError(status: 400, "cannot build job '\(submission.job)': \(error)")
        }
        let jobID = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let master: JobMaster
        do {
            master = try JobMaster(jobID: jobID, submission: submission, configuration: configuration, built: built,
                                   resourceManager: resourceManager, logger: logger)
        } catch {
            throw DispatcherError(status: 400, "cannot start job '\(submission.job)': \(error)")
        }
        let task = Task { await master.run() }
        state.withLock { s in
            s.jobs[jobID] = master
            s.order.append(jobID)
            s.tasks.append(task)
        }
        logger.info("job '\(submission.job)' submitted as \(jobID) (\(built.jobGraph.taskCount) tasks, \(master.slotsNeeded) slots)")
        return jobID
    }

    func job(_ id: String) throws -> JobMaster {
        guard let job = state.withLock({ $0.jobs[id] }) else {
            throw DispatcherError(status: 404, "no job with id '\(id)'")
        }
        return job
    }

    /// Every job, oldest first.
    var jobs: [JobMaster] { state.withLock { s in s.order.compactMap { s.jobs[$0] } } }

    /// Cancels every job (JobManager shutdown).
    func shutdown() {
        for job in jobs where !job.status.isTerminal { job.cancel() }
    }
}
