// The TaskManager's TaskExecutor: slots, deployed subtasks, registration and heartbeats.

import Foundation
import GRPCCore
import Logging
import RivuletRuntime
import RivuletCore
import RivuletNetwork
import Synchronization

/// Settings of a TaskManager process, read from the configuration.
public struct TaskManagerSettings: Sendable {
    public var host: String
    public var bindHost: String
    public var rpcPort: Int
    public var dataPort: Int
    public var slots: Int
    public var resourceID: String
    public var heartbeatIntervalMillis: Int64
    public var heartbeatTimeoutMillis: Int64
    public var registrationInitialBackoffMillis: Int64
    public var registrationMaxBackoffMillis: Int64
    public var rpcTimeoutMillis: Int64
    /// How often task metrics and the process status go to the JobManager between heartbeats.
    public var metricsReportIntervalMillis: Int64
    /// This process's log files (`logging.dir`), served to the JobManager's REST API.
    package var logFiles: LogFiles

    public init(_ configuration: Configuration) {
        host = configuration[ClusterOptions.taskManagerHost]
        bindHost = configuration[ClusterOptions.taskManagerBindHost]
        rpcPort = configuration[ClusterOptions.taskManagerRPCPort]
        dataPort = configuration[ClusterOptions.taskManagerDataPort]
        slots = configuration[ClusterOptions.numberOfTaskSlots]
        resourceID = configuration[ClusterOptions.taskManagerResourceID]
        heartbeatIntervalMillis = configuration[ClusterOptions.heartbeatInterval].milliseconds
        heartbeatTimeoutMillis = configuration[ClusterOptions.heartbeatTimeout].milliseconds
        registrationInitialBackoffMillis = max(1, configuration[ClusterOptions.registrationInitialTimeout].milliseconds)
        registrationMaxBackoffMillis = max(1, configuration[ClusterOptions.registrationMaxTimeout].milliseconds)
        rpcTimeoutMillis = max(1, configuration[ClusterOptions.rpcTimeout].milliseconds)
        metricsReportIntervalMillis = max(10, configuration[MetricOptions.reportInterval].milliseconds)
        logFiles = LogFiles(directory: configuration[LoggingOptions.directory], prefix: "taskmanager-\(getpid())")
    }
}

/// Runs subtasks in slots on behalf of JobMasters (Flink's TaskExecutor).
public final class TaskExecutor: Sendable {
    public let settings: TaskManagerSettings
    public let resourceID: String
    let jobs: JobSource
    let dataPlane: DataPlane
    let connection: JobManagerConnection
    let leaderRetrieval: any LeaderRetrievalService
    let logger: Logger
    /// The port the TaskExecutorGateway listens on (set once the server is bound).
    let rpcPort = Atomic<Int>(0)

    struct Slot: Sendable {
        var allocationID: String?
        var jobID: String?
    }
    struct State {
        var slots: [Slot]
        var runs: [String: TaskJobRun] = [:]
        var stopped = false
    }
    private let state: Mutex<State>

    /// A TaskExecutor that reaches the JobManager through gateways `connectJobManager` makes
    /// (gRPC in a cluster, in-process in local mode and tests).
    package convenience init(
        settings: TaskManagerSettings, catalog: JobCatalog, dataPlane: DataPlane,
        leaderRetrieval: any LeaderRetrievalService, logger: Logger,
        connectJobManager: @escaping @Sendable (_ host: String, _ port: Int) throws -> any JobManagerGateway
    ) {
        self.init(
            settings: settings, jobs: JobSource(catalog: catalog), dataPlane: dataPlane, leaderRetrieval: leaderRetrieval, logger: logger,
            connectJobManager: connectJobManager)
    }

    /// A TaskExecutor that runs the jobs `jobs` gives (local mode hands its job over in-process).
    package init(
        settings: TaskManagerSettings, jobs: JobSource, dataPlane: DataPlane,
        leaderRetrieval: any LeaderRetrievalService, logger: Logger,
        connectJobManager: @escaping @Sendable (_ host: String, _ port: Int) throws -> any JobManagerGateway
    ) {
        self.settings = settings
        self.leaderRetrieval = leaderRetrieval
        self.jobs = jobs
        self.dataPlane = dataPlane
        self.logger = logger
        var generator = SystemRandomNumberGenerator()
        resourceID =
            settings.resourceID.isEmpty
            ? "tm-\(settings.host)-\(dataPlane.port)-\(String(UInt32.random(in: 0 ... .max, using: &generator), radix: 16))"
            : settings.resourceID
        connection = JobManagerConnection(logger: logger, connect: connectJobManager)
        state = Mutex(State(slots: Array(repeating: Slot(), count: settings.slots)))
    }

    /// What this TaskManager registers with: where it is and what it offers.
    var registration: TaskManagerRegistration {
        TaskManagerRegistration(
            resourceID: resourceID, host: settings.host, rpcPort: rpcPort.load(ordering: .relaxed),
            dataPort: dataPlane.port, slots: settings.slots, processID: Int64(ProcessInfo.processInfo.processIdentifier))
    }

    var slotReport: [SlotStatus] {
        state.withLock { s in
            s.slots.enumerated().map { i, slot in SlotStatus(index: i, allocationID: slot.allocationID, jobID: slot.jobID) }
        }
    }

    // MARK: Fencing

    /// Throws unless `session` is the leader session this TaskManager registered with.
    func checkSession(_ session: String) throws {
        let current = connection.leaderSessionID
        guard let current, current == session else {
            logger.warning("fenced: rejected a call from leader session \(session) (registered with \(current ?? "none"))")
            throw GatewayError.fenced(session, expected: current)
        }
    }

    // MARK: Gateway operations (called through a TaskExecutorGateway: gRPC or in-process)

    func requestSlot(session: String, index: Int, allocationID: String, jobID: String) throws {
        try checkSession(session)
        try state.withLock { s in
            guard s.slots.indices.contains(index) else {
                throw GatewayError(.invalidRequest, "slot \(index) does not exist (this TaskManager has \(s.slots.count))")
            }
            if let held = s.slots[index].allocationID, held != allocationID {
                throw GatewayError(.refused, "slot \(index) is already allocated (\(held))")
            }
            s.slots[index] = Slot(allocationID: allocationID, jobID: jobID)
        }
        let logger = self.logger
        connection.send { [weak self] gateway, session in
            let accepted = try await gateway.offerSlots(
                jobID: jobID, slots: [SlotStatus(index: index, allocationID: allocationID, jobID: jobID)], session: session)
            if !accepted.contains(allocationID) {
                logger.info("the JobMaster of job \(jobID) declined slot \(index); freeing it")
                self?.free(allocationID: allocationID)
            }
        }
    }

    func submitTask(session: String, allocationID: String, descriptor: TaskDescriptor) throws {
        try checkSession(session)
        let allocated = state.withLock { s in
            s.slots.contains { $0.allocationID == allocationID && $0.jobID == descriptor.jobID }
        }
        guard allocated else {
            throw GatewayError(.refused, "no slot of this TaskManager is allocated to job \(descriptor.jobID) as \(allocationID)")
        }
        let run = try jobRun(for: descriptor)
        let vertices = run.built.jobGraph.vertices
        guard vertices.indices.contains(descriptor.vertex), (0..<vertices[descriptor.vertex].parallelism).contains(descriptor.subtask) else {
            throw GatewayError(.invalidRequest, "job '\(descriptor.jobName)' has no subtask \(descriptor.subtask) of vertex \(descriptor.vertex)")
        }
        // The key groups the JobMaster assigned must be the ones this TaskManager's subtask owns.
        let vertex = vertices[descriptor.vertex]
        let range = KeyGroupRangeAssignment.range(
            maxParallelism: vertex.maxParallelism, parallelism: vertex.parallelism,
            operatorIndex: descriptor.subtask)
        guard descriptor.keyGroups == [range.startKeyGroup, range.endKeyGroup] else {
            throw GatewayError(
                .invalidRequest,
                "subtask \(descriptor.subtask) of '\(vertex.name)' was given key groups \(descriptor.keyGroups) but owns \(range.startKeyGroup)..<\(range.endKeyGroup)"
            )
        }
        let execution = ExecutionID(vertex: descriptor.vertex, subtask: descriptor.subtask)
        try run.start(execution) { [weak self] execution, end, metrics in
            self?.report(run: run, execution: execution, end: end, metrics: metrics)
        }
    }

    func jobRun(for descriptor: TaskDescriptor) throws -> TaskJobRun {
        let key = TaskJobRun.key(descriptor.jobID, descriptor.attempt)
        if let existing = state.withLock({ $0.runs[key] }) { return existing }
        let job: JobSource.InProcessJob
        do {
            job = try jobs.job(for: descriptor)
        } catch {
            throw GatewayError(.invalidRequest, "cannot build job '\(descriptor.jobName)' on TaskManager \(resourceID): \(error)")
        }
        let created = try TaskJobRun(
            descriptor: descriptor, built: job.built, storage: job.storage, resourceID: resourceID, dataPlane: dataPlane,
            connection: connection)
        let (run, older) = state.withLock { s -> (TaskJobRun, [TaskJobRun]) in
            if let existing = s.runs[key] { return (existing, []) }
            s.runs[key] = created
            // An older run of the same job on this TaskManager is over.
            let stale = s.runs.filter { $0.value.jobID == descriptor.jobID && $0.value.attempt < descriptor.attempt }
            for k in stale.keys { s.runs.removeValue(forKey: k) }
            return (created, Array(stale.values))
        }
        for old in older {
            old.cancelAll()
            dataPlane.partitions.release(jobID: old.jobID, attempt: old.attempt)
        }
        return run
    }

    func report(run: TaskJobRun, execution: ExecutionID, end: TaskEnd, metrics: TaskIOMetrics) {
        let task = ExecutionAttemptID(jobID: run.jobID, attempt: run.attempt, execution: execution)
        let sample = Self.metrics(run: run, execution, metrics)
        let update: TaskExecutionStateUpdate
        switch end {
        case .running: update = TaskExecutionStateUpdate(task: task, state: .running, resourceID: resourceID, metrics: sample)
        case .finished: update = TaskExecutionStateUpdate(task: task, state: .finished, resourceID: resourceID, metrics: sample)
        case .canceled: update = TaskExecutionStateUpdate(task: task, state: .canceled, resourceID: resourceID, metrics: sample)
        case .failed(let message, let unrecoverable):
            let vertex = run.built.jobGraph.vertices[execution.vertex]
            logger.warning("task \(vertex.name) (\(execution.subtask + 1)/\(vertex.parallelism)) failed: \(message)")
            update = TaskExecutionStateUpdate(
                task: task, state: .failed, resourceID: resourceID, error: message, unrecoverable: unrecoverable, metrics: sample)
        }
        connection.send { gateway, session in try await gateway.updateTaskExecutionState(update, session: session) }
        if case .running = end { return }
        if run.allEnded {
            dataPlane.partitions.release(jobID: run.jobID, attempt: run.attempt)
        }
    }

    static func metrics(run: TaskJobRun, _ execution: ExecutionID, _ metrics: TaskIOMetrics) -> TaskMetricsSample {
        TaskMetricsSample(task: ExecutionAttemptID(jobID: run.jobID, attempt: run.attempt, execution: execution), metrics)
    }

    func run(jobID: String, attempt: Int) -> TaskJobRun? {
        state.withLock { $0.runs[TaskJobRun.key(jobID, attempt)] }
    }

    func cancelTask(session: String, _ task: ExecutionAttemptID) throws {
        try checkSession(session)
        run(jobID: task.jobID, attempt: task.attempt)?.cancel(task.execution)
    }

    /// Hands `control` to the given subtasks of a run (every subtask of it when nil).
    func checkpointControl(session: String, _ control: TaskControl, jobID: String, attempt: Int, executions: [ExecutionID]?) throws {
        try checkSession(session)
        run(jobID: jobID, attempt: attempt)?.control(control, to: executions)
    }

    func freeSlot(session: String, allocationID: String) throws {
        try checkSession(session)
        free(allocationID: allocationID)
    }

    /// Frees a slot; when its job holds no other slot here, cancels the job's tasks.
    func free(allocationID: String) {
        let runs = state.withLock { s -> [TaskJobRun] in
            guard let i = s.slots.firstIndex(where: { $0.allocationID == allocationID }), let job = s.slots[i].jobID else { return [] }
            s.slots[i] = Slot()
            guard !s.slots.contains(where: { $0.jobID == job }) else { return [] }
            let runs = s.runs.filter { $0.value.jobID == job }
            for k in runs.keys { s.runs.removeValue(forKey: k) }
            return Array(runs.values)
        }
        for run in runs {
            run.cancelAll()
            dataPlane.partitions.release(jobID: run.jobID, attempt: run.attempt)
        }
    }

    func disconnectJob(session: String, jobID: String, reason: String) throws {
        try checkSession(session)
        logger.info("JobManager disconnected job \(jobID): \(reason)")
        let allocations = state.withLock { s in s.slots.compactMap { $0.jobID == jobID ? $0.allocationID : nil } }
        for a in allocations { free(allocationID: a) }
    }

    /// The subtasks running on this TaskManager now.
    package var runningTasks: [RunningTask] {
        state.withLock { Array($0.runs.values) }.flatMap(\.running)
    }

    /// This TaskManager's log files, with the tail of the one named.
    func requestLog(session: String, name: String?, maxBytes: Int64) throws -> LogAnswer {
        try checkSession(session)
        let files = settings.logFiles
        let limit = min(max(0, maxBytes), 4 << 20)
        return LogAnswer(files: files.list(), content: try name.flatMap { try files.tail($0, maxBytes: limit) })
    }

    /// The JobManager is gone: cancel every task and free every slot.
    func jobManagerLost(_ reason: String) {
        logger.warning("lost the JobManager: \(reason); cancelling all tasks and freeing all slots")
        connection.setSession(nil)
        let runs = state.withLock { s -> [TaskJobRun] in
            for i in s.slots.indices { s.slots[i] = Slot() }
            defer { s.runs.removeAll() }
            return Array(s.runs.values)
        }
        for run in runs {
            run.cancelAll()
            dataPlane.partitions.release(jobID: run.jobID, attempt: run.attempt)
        }
    }

    // MARK: Registration and heartbeats

    /// Finds the leader through leader retrieval and registers with its ResourceManager
    /// (retrying with backoff), then heartbeats it and the JobMasters of running jobs; on
    /// losing the JobManager, cancels everything and registers again. Returns when the task is
    /// cancelled.
    public func runRegistration() async {
        var backoff = settings.registrationInitialBackoffMillis
        while !Task.isCancelled {
            var target = "the leading JobManager"
            do {
                guard let leader = await leaderRetrieval.currentLeader() else { throw ClusterError("no JobManager leads yet") }
                target = "the JobManager at \(leader.rpcHost):\(leader.rpcPort)"
                let gateway = try connection.gateway(host: leader.rpcHost, port: leader.rpcPort)
                let accepted = try await gateway.registerTaskExecutor(registration)
                connection.setSession(accepted.leaderSessionID)
                try await gateway.sendSlotReport(resourceID: resourceID, slots: slotReport, session: accepted.leaderSessionID)
                logger.info(
                    "registered at the ResourceManager at \(leader.rpcHost):\(leader.rpcPort) under leader session \(accepted.leaderSessionID) as \(resourceID) with \(settings.slots) slots"
                )
                backoff = settings.registrationInitialBackoffMillis
                await heartbeatLoop(gateway)
            } catch {
                logger.warning("cannot register at \(target): \(error); retrying in \(backoff) ms")
                try? await Task.sleep(for: .milliseconds(backoff))
                backoff = min(settings.registrationMaxBackoffMillis, backoff * 2)
            }
        }
    }

    /// Heartbeats until the JobManager is lost (silent past the timeout, or it forgot us).
    func heartbeatLoop(_ gateway: any JobManagerGateway) async {
        var lastSuccess = ContinuousClock.now
        while !Task.isCancelled {
            // Wait for the next heartbeat, following leader retrieval meanwhile: a new leader
            // (another session) ends this registration at once.
            let beatAt = ContinuousClock.now + .milliseconds(settings.heartbeatIntervalMillis)
            var reportAt = ContinuousClock.now + .milliseconds(settings.metricsReportIntervalMillis)
            while ContinuousClock.now < beatAt && !Task.isCancelled {
                if ContinuousClock.now >= reportAt, let session = connection.leaderSessionID {
                    // Metrics between heartbeats, for a live REST API; a failure here is the heartbeat's to judge.
                    reportAt = ContinuousClock.now + .milliseconds(settings.metricsReportIntervalMillis)
                    _ = try? await gateway.heartbeat(resourceID: resourceID, status: .current(), session: session)
                    await sendJobMasterHeartbeats(gateway, session: session)
                }
                try? await Task.sleep(for: min(.milliseconds(50), beatAt - ContinuousClock.now))
                if let leader = await leaderRetrieval.currentLeader(), !leader.sessionID.isEmpty,
                    let registered = connection.leaderSessionID, leader.sessionID != registered
                {
                    jobManagerLost("a new leader (session \(leader.sessionID)) replaced session \(registered)")
                    return
                }
            }
            guard let session = connection.leaderSessionID else { return }
            do {
                let known = try await gateway.heartbeat(resourceID: resourceID, status: .current(), session: session)
                guard known else {
                    jobManagerLost("the ResourceManager no longer knows this TaskManager")
                    return
                }
                lastSuccess = .now
                await sendJobMasterHeartbeats(gateway, session: session)
            } catch {
                let silent = ContinuousClock.now - lastSuccess
                if silent >= .milliseconds(settings.heartbeatTimeoutMillis) {
                    jobManagerLost("no heartbeat answer for \(silent) (\(error))")
                    return
                }
            }
        }
    }

    func sendJobMasterHeartbeats(_ gateway: any JobManagerGateway, session: String) async {
        let runs = state.withLock { Array($0.runs.values) }
        var byJob: [String: [TaskMetricsSample]] = [:]
        for run in runs {
            for (execution, metrics) in run.metrics { byJob[run.jobID, default: []].append(Self.metrics(run: run, execution, metrics)) }
        }
        for (job, tasks) in byJob {
            _ = try? await gateway.heartbeat(jobID: job, resourceID: resourceID, tasks: tasks, session: session)
        }
    }

    /// Stops every task (process shutdown).
    public func shutdown() {
        jobManagerLost("the TaskManager is shutting down")
        connection.close()
    }
}
