// One JobMaster per job: slots, deployment, checkpoint coordination, failover and restarts.

import Foundation
import Logging
import RivuletRuntime
import RivuletCore
import Synchronization

/// Runs one job on the cluster's TaskManagers (Flink's JobMaster with its scheduler).
/// Every run (attempt) gets fresh slots and a fresh checkpoint coordinator; a failed run
/// restarts from the latest completed checkpoint as the restart strategy allows.
final class JobMaster: Sendable {
    let jobID: String
    let submission: JobSubmission
    let configuration: [String: String]
    let built: BuiltJob
    let resourceManager: ResourceManager
    let logger: Logger
    let checkpointConfig: CheckpointConfig
    let restartStrategy: RestartStrategy
    let storage: FileSystemCheckpointStorage?
    let ids: CheckpointIDCounter
    let completed: CompletedCheckpoints
    let slotTimeoutMillis: Int64
    /// Where the job's checkpoint ids and completed checkpoints are recorded for the next leader.
    let ha: any HighAvailabilityServices
    /// A job a new leader took over: its first run restores the latest completed checkpoint.
    let recovered: Bool
    /// A job the MiniCluster runs: its storage, savepoint on finish and notices (nil in a cluster).
    let local: LocalExecution?

    enum Event: Sendable {
        case taskFinished
        case failed(JobFailure)
        case cancel
        case suspend
    }

    struct Execution {
        var state = ExecutionState.created
        var resourceID: String?
        /// The latest counters the TaskManager reported, and the rates since the sample before.
        var sample: TaskMetricsSample?
        var rates = TaskRates()
        var sampledAt = ContinuousClock.now
    }

    struct State {
        var status = JobStatus.created
        var attempt = 0
        var startTime = SystemClock.nowMillis()
        var endTime: Int64?
        var exceptions: [String] = []
        var executions: [ExecutionID: Execution] = [:]
        var allocations: [SlotAllocation] = []
        var offered: Set<String> = []
        var coordinator: CheckpointCoordinator?
        var events: AsyncStream<Event>.Continuation?
        var cancelRequested = false
        /// Leadership was lost: stop at once, record nothing, leave the job to the next leader.
        var suspendRequested = false
        /// The cancellation ends a stop-with-savepoint: the job counts as finished.
        var stopRequested = false
        var lastSavepoint: String?
        /// Why the latest run failed.
        var failure: JobFailure?
    }
    let state = Mutex(State())
    /// Wakes the run's waits (slot offers, tasks ending) whenever offers, task states or
    /// TaskManagers change.
    let changes = ChangeSignal()

    init(
        jobID: String, submission: JobSubmission, configuration: [String: String], built: BuiltJob,
        resourceManager: ResourceManager, ha: any HighAvailabilityServices, recovered: Bool = false,
        local: LocalExecution? = nil, logger: Logger
    ) throws {
        self.jobID = jobID
        self.submission = submission
        self.configuration = configuration
        self.built = built
        self.resourceManager = resourceManager
        self.ha = ha
        self.recovered = recovered
        self.local = local
        // Its own logger under the JobManager's (`logging.levels: rivulet.jobmanager.jobmaster=debug`).
        // A silenced parent (the MiniCluster's) stays silent.
        var scoped =
            logger.handler is SwiftLogNoOpLogHandler
            ? Logger(label: logger.label + ".jobmaster") { _ in SwiftLogNoOpLogHandler() } : Logger(label: logger.label + ".jobmaster")
        scoped.handler.metadata = logger.handler.metadata
        scoped[metadataKey: "job"] = "\(jobID)"
        self.logger = scoped
        let config = built.graph.configuration
        checkpointConfig = try CheckpointConfig(config)
        restartStrategy = RestartStrategy(config)
        let recoveryStore = ha.checkpointRecoveryStore(jobID: jobID)
        ids = CheckpointIDCounter(recovery: recoveryStore)
        completed = CompletedCheckpoints(numRetained: checkpointConfig.numRetained, recovery: recoveryStore)
        slotTimeoutMillis = config[ClusterOptions.slotRequestTimeout].milliseconds
        if let local {
            storage = local.storage
        } else if config.checkpointingEnabled {
            let s = FileSystemCheckpointStorage(baseDirectory: checkpointConfig.directory, jobID: jobID)
            try s.initialize()
            storage = s
        } else {
            storage = nil
        }
        if let path = submission.savepointPath {
            let location = try SnapshotLocation.resolve(path)
            ids.advance(past: location.metadata.checkpointID)
        }
    }

    var status: JobStatus { state.withLock { $0.status } }
    var attempt: Int { state.withLock { $0.attempt } }
    /// When the job reached its terminal state, if it did.
    var endTime: Int64? { state.withLock { $0.endTime } }

    /// Slots one run needs: with slot sharing, the largest vertex parallelism.
    var slotsNeeded: Int { built.jobGraph.vertices.map(\.parallelism).max() ?? 1 }

    // MARK: The run loop

    /// Runs the job to its end (finished, failed or cancelled), or until it is suspended.
    /// Returns the terminal status, or nil when suspended.
    func run() async -> JobStatus? {
        do {
            try await prepareRecovery()
        } catch {
            logger.error("job \(jobID) cannot start: \(error)")
            if state.withLock({ $0.suspendRequested }) { return suspended() }
            // Its checkpoints are unknown here: sweeping would delete those the HA store points at.
            return finish(.failed, "cannot read its checkpoints from the high-availability store: \(error)", sweep: false)
        }
        var attempt = 0
        while true {
            let (stream, continuation) = AsyncStream<Event>.makeStream()
            let (cancelled, suspending) = state.withLock { s -> (Bool, Bool) in
                s.attempt = attempt
                s.events = continuation
                s.executions = [:]
                s.offered = []
                if !s.cancelRequested { s.status = attempt == 0 ? .created : .restarting }
                return (s.cancelRequested, s.suspendRequested)
            }
            if suspending { return suspended() }
            if cancelled { return finish(.canceled, nil) }
            let outcome = await runAttempt(attempt, events: stream)
            if state.withLock({ $0.suspendRequested }) {
                await tearDown(attempt, waiting: false)
                return suspended()
            }
            await tearDown(attempt)
            switch outcome {
            case .finished:
                return finish(.finished, nil)
            case .cancelled:
                return finish(state.withLock { $0.stopRequested } ? .finished : .canceled, nil)
            case .failed(let failure):
                // A cancel that interrupted the run (its slot request, say) is no failure.
                if state.withLock({ $0.cancelRequested }) {
                    return finish(state.withLock { $0.stopRequested } ? .finished : .canceled, nil)
                }
                state.withLock { s in
                    s.exceptions.append(failure.description)
                    s.failure = failure
                }
                logger.warning("job '\(built.jobGraph.jobName)' run \(attempt) failed: \(failure)")
                attempt += 1
                guard !failure.unrecoverable, let delay = restartStrategy.delayMillis(beforeRestart: attempt) else {
                    return finish(.failed, failure.description)
                }
                local?.notices("warning: \(failure)")
                if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
            }
        }
    }

    enum Outcome: Sendable {
        case finished
        case cancelled
        case failed(JobFailure)
    }

    func finish(_ status: JobStatus, _ reason: String?, sweep: Bool = true) -> JobStatus {
        if sweep, let storage {
            // Runs that failed (or leaders that died) mid-checkpoint leave files no retained
            // checkpoint references.
            storage.sweep(keeping: completed.retained, isShared: completed.isShared)
        }
        state.withLock { s in
            s.status = status
            s.endTime = SystemClock.nowMillis()
            s.events?.finish()
            s.events = nil
        }
        changes.notifyAll()
        logger.info("job '\(built.jobGraph.jobName)' \(jobID) ended: \(status.rawValue)\(reason.map { " (\($0))" } ?? "")")
        return status
    }

    /// Ends this JobManager's part in the job without a result: the next leader takes it over.
    func suspended() -> JobStatus? {
        state.withLock { s in
            s.status = .suspended
            s.events?.finish()
            s.events = nil
        }
        changes.notifyAll()
        logger.info("job '\(built.jobGraph.jobName)' \(jobID) suspended (this JobManager no longer leads)")
        return nil
    }

    /// A new leader's start: the checkpoint counter exists (from the savepoint's id on), the
    /// completed checkpoints recorded in ZooKeeper are taken back, and files of checkpoints
    /// that never completed (or were subsumed while a leader died) are deleted.
    func prepareRecovery() async throws {
        var start: Int64 = 1
        if let path = submission.savepointPath { start = try SnapshotLocation.resolve(path).metadata.checkpointID + 1 }
        try await ha.initializeCheckpointCounter(jobID, start: start)
        guard let storage else { return }
        var found: [(id: Int64, metadata: CheckpointMetadata)] = []
        for pointer in try await ha.checkpointPointers(jobID) {
            do {
                found.append((pointer.id, try FileSystemCheckpointStorage.readMetadata(directory: pointer.directory)))
            } catch {
                logger.warning("checkpoint \(pointer.id) recorded in the high-availability store cannot be read, skipping it: \(error)")
            }
        }
        var unremoved: [Int64] = []
        for old in completed.recover(found) {
            do {
                try await ha.removeCheckpointPointer(jobID, old)
            } catch {
                unremoved.append(old)
                logger.warning("checkpoint \(old) of job \(jobID) is subsumed but its pointer in ZooKeeper could not be removed: \(error)")
            }
        }
        // Deletes the files of subsumed checkpoints and of checkpoints that never completed;
        // not while ZooKeeper may still point at a subsumed one (the next sweep will).
        // Not for a local run: its job id may be one the caller reuses, whose checkpoints are
        // the caller's (it may be restoring one); nothing of this run is there yet.
        if unremoved.isEmpty && local == nil { storage.sweep(keeping: completed.retained, isShared: completed.isShared) }
        if !found.isEmpty {
            logger.info("job \(jobID) has completed checkpoints \(completed.retained.map(String.init).joined(separator: ", ")) in ZooKeeper")
        }
    }

    func runAttempt(_ attempt: Int, events: AsyncStream<Event>) async -> Outcome {
        // 1. Slots.
        let allocations: [SlotAllocation]
        do {
            allocations = try await allocateSlots()
        } catch {
            return .failed(JobFailure("\(error)"))
        }
        if state.withLock({ $0.cancelRequested }) { return .cancelled }
        // 2. Placement: slot i runs subtask i of every vertex (slot sharing).
        let placement = built.jobGraph.vertices.map { vertex in (0..<vertex.parallelism).map { allocations[$0].location } }
        let allocationOf = built.jobGraph.vertices.map { vertex in (0..<vertex.parallelism).map { allocations[$0] } }
        // 3. What to restore.
        // A restart, or a job a new leader took over, resumes from the newest retained
        // checkpoint (those this JobMaster completed or took back from ZooKeeper) whose files
        // are all in place.
        var restore: RestoreSource?
        if attempt > 0 || recovered, let storage,
            let latest = storage.latestValidCheckpoint(
                among: completed.retained,
                warn: { [logger, local] message in
                    if let local { local.notices("warning: \(message)") } else { logger.warning("\(message)") }
                })
        {
            restore = RestoreSource(directory: storage.checkpointDirectory(latest.id), strict: false)
            let notice = "job '\(built.jobGraph.jobName)' \(attempt > 0 ? "restarts (attempt \(attempt))" : "resumes") from checkpoint \(latest.id)"
            logger.info("\(notice)")
            local?.notices(notice)
        } else if let path = submission.savepointPath {
            restore = RestoreSource(directory: path, strict: true)
            if attempt > 0 {
                local?.notices("job '\(built.jobGraph.jobName)' restarts (attempt \(attempt)) with no completed checkpoint: from \(path) again")
            }
        } else if attempt > 0 {
            local?.notices("job '\(built.jobGraph.jobName)' restarts (attempt \(attempt)) with no completed checkpoint: from the start")
        }
        // 4. Checkpoint coordinator.
        var tasks: [ExecutionID: any TaskControlGateway] = [:]
        var sources: Set<ExecutionID> = []
        for vertex in built.jobGraph.vertices {
            for subtask in 0..<vertex.parallelism {
                let id = ExecutionID(vertex: vertex.id, subtask: subtask)
                let allocation = allocationOf[vertex.id][subtask]
                guard let connection = resourceManager.connection(allocation.resourceID) else {
                    return .failed(JobFailure("TaskManager \(allocation.resourceID) was lost before deployment"))
                }
                tasks[id] = TaskExecutorTaskControl(
                    connection: connection,
                    task: ExecutionAttemptID(jobID: jobID, attempt: attempt, execution: id))
                if !built.jobGraph.edges.contains(where: { $0.targetVertex == vertex.id }) { sources.insert(id) }
            }
        }
        if let storage {
            let log: @Sendable (String) -> Void
            if let local {
                log = local.notices
            } else {
                log = { [logger] message in logger.info("\(message)") }
            }
            let coordinator = CheckpointCoordinator(
                storage: storage, config: checkpointConfig, jobName: built.jobGraph.jobName,
                operators: CheckpointedOperator.all(in: built.graph, jobGraph: built.jobGraph), ids: ids, store: completed,
                failJob: { [weak self] reason in self?.post(.failed(JobFailure(task: "checkpoint coordinator", reason)), attempt: attempt) },
                log: log)
            coordinator.register(tasks: tasks, sources: sources, savepointOnFinish: local?.savepointOnFinish)
            state.withLock { $0.coordinator = coordinator }
        }
        // 5. Deploy.
        state.withLock { s in
            for vertex in built.jobGraph.vertices {
                for subtask in 0..<vertex.parallelism {
                    s.executions[ExecutionID(vertex: vertex.id, subtask: subtask)] =
                        Execution(state: .deploying, resourceID: allocationOf[vertex.id][subtask].resourceID)
                }
            }
            s.status = .running
        }
        for vertex in built.jobGraph.vertices {
            for subtask in 0..<vertex.parallelism {
                let allocation = allocationOf[vertex.id][subtask]
                let range = KeyGroupRangeAssignment.range(
                    maxParallelism: vertex.maxParallelism, parallelism: vertex.parallelism,
                    operatorIndex: subtask)
                let descriptor = TaskDescriptor(
                    jobID: jobID, jobName: submission.job, arguments: submission.arguments ?? [], configuration: configuration,
                    fingerprint: built.jobGraph.fingerprint, attempt: attempt, vertex: vertex.id, subtask: subtask,
                    keyGroups: [range.startKeyGroup, range.endKeyGroup], placement: placement, restore: restore,
                    checkpointDirectory: storage == nil ? "" : checkpointConfig.directory)
                guard let connection = resourceManager.connection(allocation.resourceID) else {
                    return .failed(JobFailure("TaskManager \(allocation.resourceID) was lost during deployment"))
                }
                do {
                    try await connection.gateway.submitTask(allocationID: allocation.allocationID, descriptor: descriptor)
                } catch {
                    // This task failed to deploy and the ones after it were never sent: none of
                    // them will report, so the run's teardown must not wait for them.
                    let failed = ExecutionID(vertex: vertex.id, subtask: subtask)
                    state.withLock { s in
                        for id in s.executions.keys where id >= failed && s.executions[id]?.state == .deploying {
                            s.executions[id]?.state = id == failed ? .failed : .canceled
                        }
                    }
                    let unrecoverable = (error as? GatewayError)?.kind == .invalidRequest
                    return .failed(
                        JobFailure(
                            "deploying \(vertex.name) (\(subtask + 1)/\(vertex.parallelism)) to TaskManager \(allocation.resourceID) failed: \(error)",
                            unrecoverable: unrecoverable))
                }
            }
        }
        state.withLock { s in
            for id in s.executions.keys where s.executions[id]?.state == .deploying { s.executions[id]?.state = .initializing }
        }
        state.withLock { $0.coordinator }?.start()
        // 6. Wait for the run's end.
        let total = built.jobGraph.taskCount
        var finished = 0
        for await event in events {
            switch event {
            case .taskFinished:
                finished += 1
                if finished == total { return .finished }
            case .failed(let failure):
                return .failed(failure)
            case .cancel, .suspend:
                return .cancelled
            }
        }
        return .cancelled
    }

    /// Asks the ResourceManager for slots until enough are free or the slot timeout passes,
    /// then waits for the TaskManagers to offer them.
    func allocateSlots() async throws -> [SlotAllocation] {
        let needed = slotsNeeded
        let deadline = ContinuousClock.now + .milliseconds(slotTimeoutMillis)
        var warned = false
        while true {
            if state.withLock({ $0.cancelRequested || $0.suspendRequested }) { throw ClusterError("the job was cancelled") }
            if let granted = await resourceManager.allocate(jobID: jobID, count: needed) {
                state.withLock { $0.allocations = granted }
                let offered = await changes.wait(until: ContinuousClock.now + .seconds(10)) {
                    state.withLock { s in granted.allSatisfy { s.offered.contains($0.allocationID) } }
                }
                if offered { return granted }
                throw ClusterError("the TaskManagers did not offer the \(needed) allocated slots within 10 s")
            }
            if ContinuousClock.now >= deadline {
                throw ClusterError(
                    "could not get \(needed) slots within \(slotTimeoutMillis) ms (the cluster has \(resourceManager.totalSlots) slots; raise taskmanager.numberOfTaskSlots, start more TaskManagers or lower the parallelism)"
                )
            }
            if !warned {
                logger.info("waiting for \(needed) free slots (the cluster has \(resourceManager.totalSlots))")
                warned = true
            }
            if resourceManager.freeSlots >= needed {
                // Enough slots were free but a TaskManager did not take one: retry after a pause.
                try? await Task.sleep(for: .milliseconds(100))
            } else {
                // Until a TaskManager registers or slots are released (a cancel is seen within 1 s).
                _ = await resourceManager.slotChanges.wait(until: min(deadline, ContinuousClock.now + .seconds(1))) {
                    resourceManager.freeSlots >= needed || state.withLock { $0.cancelRequested || $0.suspendRequested }
                }
            }
        }
    }

    /// Ends a run: stops its coordinator, cancels its tasks, waits briefly for them to end,
    /// and frees its slots.
    func tearDown(_ attempt: Int, waiting: Bool = true) async {
        let (coordinator, allocations, running) = state.withLock { s -> (CheckpointCoordinator?, [SlotAllocation], [ExecutionID: Execution]) in
            let c = s.coordinator
            s.coordinator = nil
            let a = s.allocations
            s.allocations = []
            return (c, a, s.executions.filter { !$0.value.state.isTerminal })
        }
        coordinator?.stop()
        for (id, execution) in running {
            guard let resourceID = execution.resourceID, let connection = resourceManager.connection(resourceID) else { continue }
            let task = ExecutionAttemptID(jobID: jobID, attempt: attempt, execution: id)
            connection.send("cancelling \(id)") { try await $0.cancelTask(task) }
        }
        // Until every task ended, or its TaskManager is gone, or 10 s passed. A local run waits
        // for every task thread to end: the caller's code must not run after `execute` returns.
        let limit: Duration = !waiting ? .zero : local == nil ? .seconds(10) : .seconds(365 * 86_400)
        _ = await changes.wait(until: ContinuousClock.now + limit) {
            !state.withLock { s in
                s.executions.values.contains { !$0.state.isTerminal && $0.resourceID.map(resourceManager.isRegistered) == true }
            }
        }
        await resourceManager.free(allocations, reason: "run \(attempt) of job \(jobID) ended")
    }

    func post(_ event: Event, attempt: Int) {
        state.withLock { s in
            guard s.attempt == attempt else { return }
            s.events?.yield(event)
        }
    }

    // MARK: From TaskManagers

    func offer(_ allocations: [String]) -> [String] {
        // The ResourceManager records an allocation before it asks the TaskManager, so an
        // offer may arrive before `allocate` returns: accept what the ResourceManager gave us.
        let expected = resourceManager.allocations(of: jobID)
        let accepted = state.withLock { s in
            let accepted = allocations.filter { expected.contains($0) }
            s.offered.formUnion(accepted)
            return accepted
        }
        changes.notifyAll()
        return accepted
    }

    /// A TaskManager reports that a task changed state. Only legal transitions of the current
    /// run count: a late or repeated report changes nothing (a second FINISHED must not count
    /// a task twice).
    func taskStateChanged(_ update: TaskExecutionStateUpdate) {
        let task = update.task
        let applied = state.withLock { s -> Bool in
            guard s.attempt == task.attempt, let current = s.executions[task.execution]?.state else { return false }
            if let metrics = update.metrics { apply(metrics, to: &s, id: task.execution) }
            guard current.canTransition(to: update.state) else {
                if current != update.state {
                    logger.debug("ignored \(update.state.rawValue) of \(task.execution): it is \(current.rawValue)")
                }
                return false
            }
            s.executions[task.execution]?.state = update.state
            return true
        }
        guard applied else { return }
        changes.notifyAll()
        switch update.state {
        case .finished: post(.taskFinished, attempt: task.attempt)
        case .failed:
            let failure = JobFailure(task: displayName(task.execution), update.error ?? "failed", unrecoverable: update.unrecoverable)
            post(.failed(failure), attempt: task.attempt)
        case .canceled:
            post(.failed(JobFailure(task: displayName(task.execution), "was cancelled on TaskManager \(update.resourceID)")), attempt: task.attempt)
        default: break
        }
    }

    /// "Name (subtask/parallelism)", as Flink names a subtask.
    func displayName(_ execution: ExecutionID) -> String {
        let vertices = built.jobGraph.vertices
        guard vertices.indices.contains(execution.vertex) else { return "task \(execution)" }
        let vertex = vertices[execution.vertex]
        return "\(vertex.name) (\(execution.subtask + 1)/\(vertex.parallelism))"
    }

    private func apply(_ metrics: TaskMetricsSample, to s: inout State, id: ExecutionID) {
        guard var e = s.executions[id] else { return }
        let now = ContinuousClock.now
        let elapsed = now - e.sampledAt
        e.rates = TaskRates(from: e.sample, to: metrics, elapsedNanos: elapsed.nanoseconds)
        e.sample = metrics
        e.sampledAt = now
        s.executions[id] = e
    }

    func heartbeat(resourceID: String, tasks: [TaskMetricsSample]) -> Bool {
        state.withLock { s in
            for m in tasks where m.task.attempt == s.attempt {
                apply(m, to: &s, id: m.task.execution)
            }
            return s.executions.values.contains { $0.resourceID == resourceID }
        }
    }

    func taskManagerLost(_ resourceID: String, reason: String) {
        let (affected, attempt) = state.withLock { s in
            (s.executions.values.contains { $0.resourceID == resourceID && !$0.state.isTerminal }, s.attempt)
        }
        changes.notifyAll()
        if affected { post(.failed(JobFailure(reason)), attempt: attempt) }
    }

    func coordinator(attempt: Int) -> CheckpointCoordinator? {
        state.withLock { $0.attempt == attempt ? $0.coordinator : nil }
    }

    // MARK: From the Dispatcher

    /// Leadership was lost: stop checkpointing at once and end the run without a result.
    func suspend() {
        let (attempt, coordinator) = state.withLock { s -> (Int, CheckpointCoordinator?) in
            s.suspendRequested = true
            return (s.attempt, s.coordinator)
        }
        coordinator?.stop()
        post(.suspend, attempt: attempt)
    }

    // MARK: From clients

    func cancel() {
        let attempt = state.withLock { s -> Int in
            s.cancelRequested = true
            if !s.status.isTerminal { s.status = .cancelling }
            return s.attempt
        }
        post(.cancel, attempt: attempt)
    }

    /// Takes a savepoint of the running job into `directory`.
    func triggerSavepoint(into directory: String) async throws -> String {
        guard let coordinator = state.withLock({ $0.status == .running ? $0.coordinator : nil }) else {
            throw ClusterError(
                "job \(jobID) is not running with checkpointing on (set execution.checkpointing.interval and state.checkpoints.dir), so it cannot take a savepoint"
            )
        }
        let path = try await runBlocking { try coordinator.triggerSavepoint(into: directory) }
        state.withLock { $0.lastSavepoint = path }
        return path
    }

    /// Takes a savepoint after which no checkpoint commits anything, then stops the job; it
    /// ends FINISHED, and a job restored from the savepoint continues exactly where it stopped.
    func stop(savepointDirectory: String) async throws -> String {
        guard let coordinator = state.withLock({ $0.status == .running ? $0.coordinator : nil }) else {
            throw ClusterError(
                "job \(jobID) is not running with checkpointing on (set execution.checkpointing.interval and state.checkpoints.dir), so it cannot stop with a savepoint"
            )
        }
        let path = try await runBlocking { try coordinator.stopWithSavepoint(into: savepointDirectory) }
        state.withLock { s in
            s.lastSavepoint = path
            s.stopRequested = true
        }
        cancel()
        return path
    }

    /// Waits until the job reached a terminal state (or was suspended) and returns it.
    func waitForEnd() async -> JobStatus {
        _ = await changes.wait(until: .now + .seconds(365 * 86_400)) { status.isTerminal || status == .suspended }
        return status
    }

    /// What a finished job reports to the MiniCluster's caller.
    func executionResult() -> JobExecutionResult {
        state.withLock { s in
            var backPressure: [String: UInt64] = [:]
            for (id, execution) in s.executions {
                backPressure[built.jobGraph.vertices[id.vertex].name, default: 0] += UInt64(clamping: execution.sample?.backPressuredNanos ?? 0)
            }
            var result = JobExecutionResult(
                jobName: built.jobGraph.jobName, durationMillis: (s.endTime ?? SystemClock.nowMillis()) - s.startTime,
                taskCount: built.jobGraph.taskCount, backPressuredNanosByVertex: backPressure)
            result.jobID = jobID
            result.restarts = s.exceptions
            result.completedCheckpoints = completed.retained
            result.checkpointStats = completed.stats
            return result
        }
    }

    /// Why the latest run failed, if one did.
    var failure: JobFailure? { state.withLock { $0.failure } }

    // MARK: Views

    /// Every completed checkpoint of the job, oldest first.
    var checkpoints: [CheckpointDetail] {
        completed.stats.map {
            CheckpointDetail(
                id: $0.checkpointID, durationMillis: $0.durationMillis, stateBytes: $0.stateBytes, uploadedBytes: $0.uploadedBytes,
                triggeredAt: $0.triggeredAt,
                subtasks: $0.subtasks.map {
                    SubtaskCheckpointDetail(vertex: $0.task.vertex, subtask: $0.task.subtask, ackMillis: $0.ackMillis, stateBytes: $0.stateBytes)
                })
        }
    }

    func detail(full: Bool) -> JobDetail {
        state.withLock { s in
            var detail = JobDetail(
                id: jobID, name: built.jobGraph.jobName, status: s.status, attempt: s.attempt, startTime: s.startTime,
                endTime: s.endTime, durationMillis: (s.endTime ?? SystemClock.nowMillis()) - s.startTime,
                arguments: submission.arguments ?? [])
            guard full else { return detail }
            detail.exceptions = s.exceptions
            detail.lastSavepoint = s.lastSavepoint
            detail.checkpoints = checkpoints
            detail.completedCheckpoints = completed.completedCount
            let failures = completed.failures
            detail.failedCheckpoints = failures.count
            detail.checkpointFailures = failures.latest.map {
                FailedCheckpointDetail(id: $0.checkpointID, triggeredAt: $0.triggeredAt, failedAt: $0.failedAt, reason: $0.reason)
            }
            detail.inProgressCheckpoints = s.coordinator?.pendingCount ?? 0
            detail.vertices = built.jobGraph.vertices.map { vertex in
                let subtasks = (0..<vertex.parallelism).map { i -> SubtaskDetail in
                    let e = s.executions[ExecutionID(vertex: vertex.id, subtask: i)] ?? Execution()
                    return SubtaskDetail(subtask: i, status: e.state.rawValue, taskManager: e.resourceID, sample: e.sample, rates: e.rates)
                }
                let statuses = Set(subtasks.map(\.status))
                return VertexDetail(
                    id: vertex.id, name: vertex.name, parallelism: vertex.parallelism,
                    status: statuses.count == 1 ? statuses.first ?? "CREATED" : "MIXED", subtasks: subtasks)
            }
            return detail
        }
    }
}

/// Checkpoint control for one subtask on a TaskManager, sent in order through its gateway.
struct TaskExecutorTaskControl: TaskControlGateway {
    let connection: TaskExecutorConnection
    let task: ExecutionAttemptID

    func sendControl(_ control: TaskControl) {
        let what: String
        switch control {
        case .triggerCheckpoint(let barrier): what = "triggering checkpoint \(barrier.checkpointID)"
        case .checkpointComplete(let id, _): what = "notifying checkpoint \(id) complete"
        case .checkpointAborted(let id): what = "notifying checkpoint \(id) aborted"
        }
        let task = self.task
        connection.send(what) { try await $0.sendCheckpointControl(control, to: task) }
    }
}

/// Runs blocking work on its own thread (never on Swift's cooperative pool).
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
