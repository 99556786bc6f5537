// The Dispatcher: accepts job submissions, starts one JobMaster per job, answers queries.

import Foundation
import Logging
import RivuletRuntime
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
    /// Where jobs, their results and checkpoints are kept for the next leader.
    let ha: any HighAvailabilityServices
    let logger: Logger
    /// How long an ended job stays listed (`jobstore.expiration-time`).
    let jobStoreExpirationMillis: Int64
    /// Where a request may make the cluster read or write (`security.allowed-directories`).
    let allowedDirectories: AllowedDirectories
    /// Jobs that may run at once (`security.max-running-jobs`).
    let maxRunningJobs: Int
    struct State {
        var jobs: [String: JobMaster] = [:]
        var order: [String] = []
        var tasks: [Task<Void, Never>] = []
        /// Jobs that ended under an earlier leader, from the job result store, oldest end first.
        var ended: [JobResult] = []
    }
    private let state = Mutex(State())

    init(
        catalog: JobCatalog, clusterConfiguration: [String: String], resourceManager: ResourceManager,
        ha: any HighAvailabilityServices, logger: Logger
    ) {
        self.catalog = catalog
        self.clusterConfiguration = clusterConfiguration
        self.resourceManager = resourceManager
        self.ha = ha
        self.logger = logger
        let parsed = try? Configuration(clusterConfiguration, schema: .cluster)
        jobStoreExpirationMillis = parsed?[ClusterOptions.jobStoreExpiration].milliseconds ?? 3_600_000
        allowedDirectories = AllowedDirectories(parsed?[SecurityOptions.allowedDirectories] ?? "")
        maxRunningJobs = parsed?[SecurityOptions.maxJobs] ?? SecurityOptions.maxJobs.defaultValue
        resourceManager.onTaskManagerLost { [weak self] id, reason in
            guard let self else { return }
            for job in self.state.withLock({ Array($0.jobs.values) }) { job.taskManagerLost(id, reason: reason) }
        }
    }

    /// Configuration keys that name directories a job writes to.
    static let pathKeys = [CheckpointingOptions.directory.key, StateBackendOptions.rocksDBLocalDirectory.key]

    /// Refuses (403) a submission that names a file or directory outside the allowed
    /// directories: a path argument of the job, the savepoint to restore, a state directory.
    func checkPaths(of submission: JobSubmission) throws {
        guard !allowedDirectories.unrestricted else { return }
        do {
            let definition = try catalog.job(named: submission.job)
            let arguments = try JobArguments(jobName: submission.job, arguments: submission.arguments ?? [], parameters: definition.parameters)
            for parameter in definition.parameters where parameter.isPath {
                if let value = arguments.values[parameter.name] { try allowedDirectories.check(value, what: "--\(parameter.name)") }
            }
            do {
                for (what, path) in try definition.paths?(arguments) ?? [] { try allowedDirectories.check(path, what: what) }
            } catch let error as PathNotAllowedError {
                throw error
            } catch {
                throw DispatcherError(status: 400, "cannot build job '\(submission.job)': \(error)")
            }
            if let savepoint = submission.savepointPath { try allowedDirectories.check(savepoint, what: "the savepoint to restore") }
            for key in Self.pathKeys {
                if let value = submission.configuration?[key], !value.isEmpty { try allowedDirectories.check(value, what: key) }
            }
        } catch let error as PathNotAllowedError {
            logger.warning("refused job '\(submission.job)': \(error)")
            throw DispatcherError(status: 403, error.description)
        } catch let error as JobArgumentError {
            throw DispatcherError(status: 400, error.description)
        }
    }

    /// Refuses (403) a savepoint directory outside the allowed directories.
    func checkSavepointDirectory(_ directory: String) throws {
        do {
            try allowedDirectories.check(directory, what: "the savepoint directory")
        } catch let error as PathNotAllowedError {
            logger.warning("refused a savepoint: \(error)")
            throw DispatcherError(status: 403, error.description)
        }
    }

    /// Validates and starts a job; returns its id. In an HA cluster the job is stored in
    /// ZooKeeper before it starts (and before the client hears back).
    public func submit(_ submission: JobSubmission) async throws -> String {
        guard catalog.jobs.contains(where: { $0.name == submission.job }) else {
            throw DispatcherError(status: 404, "unknown job '\(submission.job)'; known jobs: \(catalog.jobs.map(\.name).joined(separator: ", "))")
        }
        try checkPaths(of: submission)
        let running = state.withLock { s in s.jobs.values.filter { !$0.status.isTerminal }.count }
        guard running < maxRunningJobs else {
            throw DispatcherError(
                status: 429, "this JobManager already runs \(running) jobs, the most security.max-running-jobs allows; cancel one first")
        }
        var configuration = clusterConfiguration
        for (key, value) in submission.configuration ?? [:] { configuration[key] = value }
        if let p = submission.parallelism {
            guard (1...32768).contains(p) else {
                throw DispatcherError(status: 400, "parallelism must be from 1 to 32768, got \(p)")
            }
            configuration[PipelineOptions.parallelism.key] = String(p)
        }
        do {
            _ = try Configuration(configuration, schema: .cluster)
        } catch {
            throw DispatcherError(status: 400, "\(error)")
        }
        let jobID = Self.newJobID()
        let master = try makeMaster(jobID: jobID, submission: submission, configuration: configuration, recovered: false)
        do {
            try await ha.putJobGraph(StoredJob(jobID: jobID, submission: submission, configuration: configuration))
        } catch {
            throw DispatcherError(status: 503, "cannot store job '\(submission.job)' in the high-availability store, so it was not started: \(error)")
        }
        start(master)
        logger.info("job '\(submission.job)' submitted as \(jobID) (\(master.built.jobGraph.taskCount) tasks, \(master.slotsNeeded) slots)")
        return jobID
    }

    /// Starts a job built in this process (local mode: the MiniCluster), under the id the
    /// caller chose. Nothing is looked up in the catalog; errors are the job's own (a bad
    /// checkpoint directory names itself), not REST answers.
    func submit(built: BuiltJob, jobID: String, savepointPath: String?, local: LocalExecution) async throws -> JobMaster {
        let configuration = built.graph.configuration.values
        let submission = JobSubmission(job: built.jobGraph.jobName, savepointPath: savepointPath, configuration: configuration)
        let master = try JobMaster(
            jobID: jobID, submission: submission, configuration: configuration, built: built, resourceManager: resourceManager, ha: ha,
            local: local, logger: logger)
        try await ha.putJobGraph(StoredJob(jobID: jobID, submission: submission, configuration: configuration))
        start(master)
        return master
    }

    /// A new job id: 32 lower-case hex digits, as Flink's JobID prints.
    static func newJobID() -> String { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

    private func makeMaster(jobID: String, submission: JobSubmission, configuration: [String: String], recovered: Bool) throws -> JobMaster {
        let built: BuiltJob
        do {
            built = try BuiltJob.build(catalog: catalog, name: submission.job, arguments: submission.arguments ?? [], configuration: configuration)
        } catch {
            throw DispatcherError(status: 400, "cannot build job '\(submission.job)': \(error)")
        }
        do {
            return try JobMaster(
                jobID: jobID, submission: submission, configuration: configuration, built: built,
                resourceManager: resourceManager, ha: ha, recovered: recovered, logger: logger)
        } catch {
            throw DispatcherError(status: 400, "cannot start job '\(submission.job)': \(error)")
        }
    }

    private func start(_ master: JobMaster) {
        // Listed before it runs: the TaskManagers offer their slots to the job (found by its
        // id here) as soon as the JobMaster has asked the ResourceManager for them.
        state.withLock { s in
            s.jobs[master.jobID] = master
            s.order.append(master.jobID)
        }
        let task = Task { [self, ha, logger] in
            guard let status = await master.run() else { return }
            // Each job's end also forgets jobs that ended long enough ago, so they do not pile
            // up on a JobManager nobody lists.
            defer { expireEndedJobs() }
            // A terminal state: record it so no later leader runs the job again, then forget the job.
            do {
                let detail = Self.archived(master.detail(full: true))
                try await ha.putJobResult(
                    JobResult(jobID: master.jobID, status: status, endTime: detail.endTime ?? SystemClock.nowMillis(), detail: detail))
                try await ha.removeJobGraph(master.jobID)
                try await ha.removeJobData(master.jobID)
            } catch {
                logger.warning(
                    "job \(master.jobID) ended \(status.rawValue) but the high-availability store was not updated: \(error); the next leader runs it again from its latest checkpoint"
                )
            }
        }
        state.withLock { $0.tasks.append(task) }
    }

    /// A new leader's start: lists the jobs that ended under earlier leaders (from the job
    /// result store), and runs every job stored in ZooKeeper that has no result yet, from its
    /// latest completed checkpoint.
    func recoverJobs() async throws {
        let ended = try await ha.jobResults()
        state.withLock { s in s.ended = ended.filter { s.jobs[$0.jobID] == nil } }
        for jobID in try await ha.jobGraphIDs().sorted() {
            if let result = try await ha.jobResult(jobID) {
                logger.info("job \(jobID) already ended \(result.status.rawValue); removing its job graph")
                try await ha.removeJobGraph(jobID)
                try? await ha.removeJobData(jobID)
                continue
            }
            let stored = try await ha.jobGraph(jobID)
            do {
                let master = try makeMaster(jobID: jobID, submission: stored.submission, configuration: stored.configuration, recovered: true)
                start(master)
                logger.info("recovered job '\(stored.submission.job)' \(jobID)")
            } catch {
                logger.error("cannot recover job \(jobID): \(error)")
            }
        }
    }

    /// Stops every JobMaster without a result (leadership lost, or an HA JobManager shuts down).
    func suspendAll() {
        for job in jobs where !job.status.isTerminal { job.suspend() }
    }

    func job(_ id: String) throws -> JobMaster {
        guard let job = state.withLock({ $0.jobs[id] }) else {
            if ended(id) != nil { throw DispatcherError(status: 409, "job \(id) ended under an earlier JobManager leader") }
            throw DispatcherError(status: 404, "no job with id '\(id)'")
        }
        return job
    }

    /// Every job this leader runs or ran, oldest first.
    var jobs: [JobMaster] { state.withLock { s in s.order.compactMap { s.jobs[$0] } } }

    /// Every job as the REST API lists it, oldest first: those that ended under earlier
    /// leaders, then this leader's. Jobs that ended longer ago than `jobstore.expiration-time`
    /// are forgotten first (here and in the job result store).
    func listedJobs(full: Bool) -> [JobDetail] {
        expireEndedJobs()
        let (ended, live) = state.withLock { s in (s.ended, s.order.compactMap { s.jobs[$0] }) }
        return ended.map { Self.view(of: $0, full: full) } + live.map { $0.detail(full: full) }
    }

    /// Job `id` to look at: one that ended under an earlier leader (no JobMaster), or this
    /// leader's with its JobMaster; 404 when there is none.
    func lookup(_ id: String) throws -> (detail: JobDetail, master: JobMaster?) {
        if let ended = ended(id) { return (ended, nil) }
        let job = try job(id)
        return (job.detail(full: true), job)
    }

    /// A job that ended under an earlier leader, as it ended.
    func ended(_ id: String) -> JobDetail? {
        state.withLock { s in s.ended.first { $0.jobID == id } }.map { Self.view(of: $0, full: true) }
    }

    /// What a job result keeps of the job (a ZooKeeper node holds at most about 1 MB): its
    /// vertices without their subtasks, the last 10 checkpoints and the last 10 failures.
    static func archived(_ detail: JobDetail) -> JobDetail {
        var kept = detail
        kept.vertices = detail.vertices?.map { vertex in
            var v = vertex
            v.subtasks = []
            return v
        }
        kept.checkpoints = detail.checkpoints.map { Array($0.suffix(10)) }
        kept.exceptions = detail.exceptions.map { $0.suffix(10).map { String($0.prefix(4096)) } }
        return kept
    }

    /// What a result shows of its job (a result without the job's detail shows its status).
    static func view(of result: JobResult, full: Bool) -> JobDetail {
        var detail =
            result.detail
            ?? JobDetail(
                id: result.jobID, name: "?", status: result.status, attempt: 0, startTime: result.endTime, endTime: result.endTime,
                durationMillis: 0, arguments: [])
        if !full {
            detail.vertices = nil
            detail.exceptions = nil
            detail.checkpoints = nil
            detail.lastSavepoint = nil
        }
        return detail
    }

    /// Forgets jobs that ended more than `jobstore.expiration-time` ago: this leader's and
    /// those of earlier leaders, and their results in the store. Runs when jobs are listed and
    /// when a job ends.
    func expireEndedJobs(now: Int64 = SystemClock.nowMillis()) {
        let expiration = jobStoreExpirationMillis
        let cutoff = now - expiration
        let expired = state.withLock { s -> [String] in
            var gone = s.ended.filter { $0.endTime < cutoff }.map(\.jobID)
            s.ended.removeAll { $0.endTime < cutoff }
            for id in s.order {
                guard let job = s.jobs[id], job.status.isTerminal, let end = job.endTime, end < cutoff else { continue }
                s.jobs[id] = nil
                gone.append(id)
            }
            s.order.removeAll { s.jobs[$0] == nil }
            return gone
        }
        guard !expired.isEmpty else { return }
        logger.info("forgetting \(expired.count) job(s) that ended more than \(expiration) ms ago (jobstore.expiration-time)")
        let ha = self.ha
        // The graph goes before the result, so that no leader finds a job graph without its
        // result (and runs the job again).
        Task {
            for id in expired {
                do {
                    try await ha.removeJobGraph(id)
                    try await ha.removeJobResult(id)
                } catch {}
            }
        }
    }

    /// Cancels every job (JobManager shutdown).
    func shutdown() {
        for job in jobs where !job.status.isTerminal { job.cancel() }
    }
}

extension Dispatcher {
    /// TaskManagers, slots and listed jobs by status, as the overviews and metrics count them.
    struct Counts {
        let taskManagers: Int
        let slotsTotal: Int
        let slotsAvailable: Int
        let running: Int
        let finished: Int
        let cancelled: Int
        let failed: Int
    }

    var counts: Counts {
        let jobs = listedJobs(full: false).map(\.status)
        let tms = resourceManager.summaries
        return Counts(
            taskManagers: tms.count, slotsTotal: tms.reduce(0) { $0 + $1.slots }, slotsAvailable: tms.reduce(0) { $0 + $1.freeSlots },
            running: jobs.filter { !$0.isTerminal }.count, finished: jobs.filter { $0 == .finished }.count,
            cancelled: jobs.filter { $0 == .canceled }.count, failed: jobs.filter { $0 == .failed }.count)
    }
}
