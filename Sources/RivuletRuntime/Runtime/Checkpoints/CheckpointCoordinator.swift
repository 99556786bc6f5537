// Triggers checkpoints at the sources, collects acknowledgements, completes and retains them.

import Foundation
import Synchronization
import RivuletCore

/// Facts about one operator of the job, for checkpoint metadata.
@usableFromInline package struct CheckpointedOperator: Sendable {
    @usableFromInline package let uid: String
    @usableFromInline package let name: String
    @usableFromInline package let parallelism: Int
    @usableFromInline package let maxParallelism: Int

    @usableFromInline package init(uid: String, name: String, parallelism: Int, maxParallelism: Int) {
        self.uid = uid
        self.name = name
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
    }
}

extension CheckpointedOperator {
    /// Every operator of the job, with its vertex's parallelism.
    @usableFromInline package static func all(in graph: StreamGraph, jobGraph: JobGraph) -> [CheckpointedOperator] {
        jobGraph.vertices.flatMap { vertex in
            vertex.operatorIDs.compactMap { id in
                graph.node(id).map {
                    CheckpointedOperator(
                        uid: JobGraphGenerator.uid(of: $0.shape), name: $0.shape.name,
                        parallelism: vertex.parallelism, maxParallelism: $0.shape.maxParallelism)
                }
            }
        }
    }
}

/// Flink's CheckpointCoordinator for one run (attempt) of a job: triggers checkpoint n by
/// sending a control message to every source task (and to tasks that finished), completes it
/// when every task acknowledged, writes `_metadata`, keeps `state.checkpoints.num-retained`
/// checkpoints, notifies the tasks, and aborts checkpoints that are declined or time out.
/// Thread-safe: all mutable state sits behind one mutex.
///
/// When to start a checkpoint and which ones timed out is decided by a pure function of the
/// coordinator's state and the time (`decide`); `tick()` applies one decision. The timer
/// thread of `start()` ticks in a loop; tests tick by hand on a manual clock, without
/// threads or sleeps.
@usableFromInline package final class CheckpointCoordinator: Sendable {
    @usableFromInline package let storage: FileSystemCheckpointStorage
    @usableFromInline package let config: CheckpointConfig
    let jobName: String
    let operators: [CheckpointedOperator]
    let ids: CheckpointIDCounter
    let store: CompletedCheckpoints
    /// Called once when failed checkpoints exceed the tolerable count.
    let failJob: @Sendable (String) -> Void
    let log: @Sendable (String) -> Void
    /// The time in milliseconds (the system clock, or a manual one in tests).
    let clock: @Sendable () -> Int64

    struct Pending {
        let barrier: CheckpointBarrier
        let startedAt: Int64
        let expected: Set<ExecutionID>
        var acks: [ExecutionID: [String: SubtaskStateHandle]] = [:]
        /// When each task acknowledged, in milliseconds after the trigger.
        var ackMillis: [ExecutionID: Int64] = [:]
        /// Every task had finished when it was triggered: the job's last checkpoint.
        let isFinal: Bool
        let savepointDirectory: String?
    }

    struct State {
        var inboxes: [ExecutionID: any TaskControlGateway] = [:]
        var sources: Set<ExecutionID> = []
        var finished: Set<ExecutionID> = []
        var pending: [Int64: Pending] = [:]
        var lastTriggerAt: Int64 = 0
        var lastCompletedAt: Int64 = 0
        var consecutiveFailures = 0
        var stopped = false
        var savepointRequests: [String] = []
        /// No periodic checkpoint starts (a stop-with-savepoint is under way).
        var periodicSuspended = false
        var savepointResults: [String: Result<String, CheckpointFailure>] = [:]
        var finalSavepointDirectory: String?
        /// The job's final checkpoint (triggered when every task had finished), once completed.
        var finalCompleted: Int64?
        /// Checkpoints acknowledged by every task whose completion (`finish`) is under way.
        var completing = 0
    }
    let state = Mutex(State())
    let wakeup = NSCondition()

    @usableFromInline package init(
        storage: FileSystemCheckpointStorage, config: CheckpointConfig, jobName: String,
        operators: [CheckpointedOperator], ids: CheckpointIDCounter, store: CompletedCheckpoints,
        failJob: @escaping @Sendable (String) -> Void, log: @escaping @Sendable (String) -> Void,
        clock: @escaping @Sendable () -> Int64 = SystemClock.nowMillis
    ) {
        self.storage = storage
        self.config = config
        self.jobName = jobName
        self.operators = operators
        self.ids = ids
        self.store = store
        self.failJob = failJob
        self.log = log
        self.clock = clock
    }

    /// Registers the tasks of this run; `sources` are the ones barriers start from.
    @usableFromInline package func register(tasks: [ExecutionID: any TaskControlGateway], sources: Set<ExecutionID>, savepointOnFinish: String?) {
        state.withLock {
            $0.inboxes = tasks
            $0.sources = sources
            $0.lastTriggerAt = clock()
            $0.finalSavepointDirectory = savepointOnFinish
        }
    }

    /// Starts the timer thread that triggers checkpoints and times them out.
    @usableFromInline package func start() {
        let thread = Thread { [self] in self.timerLoop() }
        thread.name = "checkpoint-coordinator"
        thread.start()
    }

    /// Stops triggering; pending checkpoints are abandoned and their files removed.
    @usableFromInline package func stop() {
        let (abandoned, shared) = state.withLock { s -> ([Int64], [StateFileHandle]) in
            s.stopped = true
            let ids = Array(s.pending.keys)
            let shared = s.pending.values.flatMap { $0.acks.values.flatMap { $0.values.flatMap(\.sharedFiles) } }
            s.pending = [:]
            for dir in s.savepointRequests { s.savepointResults[dir] = .failure(CheckpointFailure("the job stopped before the savepoint completed")) }
            s.savepointRequests = []
            return (ids, shared)
        }
        for id in abandoned { storage.discardCheckpoint(id) }
        deleteUnreferencedShared(shared)
        wake()
    }

    /// Asks for a savepoint into `directory`; the next tick with no checkpoint in flight starts
    /// it. With `stopping` (the savepoint a stop ends with), periodic checkpoints stop first,
    /// so none completes (and commits output) after the savepoint, and a job restored from it
    /// repeats nothing; checkpoints already in flight complete before the savepoint starts.
    @usableFromInline package func requestSavepoint(into directory: String, stopping: Bool = false) {
        state.withLock {
            if stopping { $0.periodicSuspended = true }
            $0.savepointRequests.append(directory)
        }
        wake()
    }

    /// The outcome of the savepoint requested into `directory`, once it has one (taken: a
    /// second call returns nil).
    @usableFromInline package func takeSavepointResult(for directory: String) -> Result<String, CheckpointFailure>? {
        state.withLock { $0.savepointResults.removeValue(forKey: directory) }
    }

    /// Periodic checkpoints start again (after a stop's savepoint failed).
    @usableFromInline package func resumePeriodicCheckpoints() {
        state.withLock { $0.periodicSuspended = false }
        wake()
    }

    /// Asks for a savepoint into `directory` and waits (on the wall clock) until it is written
    /// or fails.
    @usableFromInline package func triggerSavepoint(into directory: String, timeoutMillis: Int64 = 600_000) throws -> String {
        requestSavepoint(into: directory)
        return try awaitSavepoint(directory, timeoutMillis: timeoutMillis)
    }

    /// Takes the savepoint a stop ends with (`requestSavepoint(into:stopping: true)`) and
    /// waits for it. When the savepoint fails, periodic checkpoints resume and the error is
    /// thrown.
    @usableFromInline package func stopWithSavepoint(into directory: String, timeoutMillis: Int64 = 600_000) throws -> String {
        requestSavepoint(into: directory, stopping: true)
        do {
            return try awaitSavepoint(directory, timeoutMillis: timeoutMillis)
        } catch {
            resumePeriodicCheckpoints()
            throw error
        }
    }

    func awaitSavepoint(_ directory: String, timeoutMillis: Int64) throws -> String {
        let deadline = Date().addingTimeInterval(Double(timeoutMillis) / 1000)
        while Date() < deadline {
            if let result = takeSavepointResult(for: directory) { return try result.get() }
            wakeup.lock()
            _ = wakeup.wait(until: Date().addingTimeInterval(0.02))
            wakeup.unlock()
        }
        throw CheckpointFailure("savepoint into '\(directory)' did not complete within \(timeoutMillis) ms")
    }

    func wake() {
        wakeup.lock()
        wakeup.broadcast()
        wakeup.unlock()
    }

    // MARK: Scheduling

    /// A checkpoint to start.
    enum Trigger: Equatable {
        /// The interval passed.
        case periodic
        /// A requested savepoint, into this directory.
        case savepoint(String)
        /// Every task finished: the job's last checkpoint.
        case final
    }

    /// What one pass decides: the pending checkpoints that timed out, and what to start.
    struct Decision: Equatable {
        var timedOut: [Int64] = []
        var trigger: Trigger?
    }

    /// The scheduling rules, a pure function of the state and the time (it changes the state
    /// only by taking the savepoint request it starts). A savepoint waits until nothing is in
    /// flight; the final checkpoint starts once every task finished and nothing is in flight;
    /// a periodic one needs the interval since the last trigger, the minimum pause since the
    /// last completion, fewer than the maximum in flight, and no stop under way. While a
    /// checkpoint completes it still counts as in flight (it may be the job's final one), and
    /// after the final one nothing starts: the tasks end, so a new checkpoint would never
    /// complete, and its uploads could outlive the process as a chk-<n> without _metadata.
    static func decide(_ s: inout State, now: Int64, config: CheckpointConfig) -> Decision {
        var decision = Decision()
        guard !s.stopped else { return decision }
        decision.timedOut = s.pending.filter { now - $0.value.startedAt >= config.timeoutMillis }.map(\.key).sorted()
        if s.completing > 0 || s.finalCompleted != nil { return decision }
        let allFinished = !s.inboxes.isEmpty && s.finished.count == s.inboxes.count
        let canTrigger = s.pending.count < config.maxConcurrent && now - s.lastCompletedAt >= config.minPauseMillis
        if !s.savepointRequests.isEmpty && s.pending.isEmpty {
            decision.trigger = .savepoint(s.savepointRequests.removeFirst())
        } else if allFinished && s.pending.isEmpty {
            decision.trigger = .final
        } else if canTrigger && !s.periodicSuspended && now - s.lastTriggerAt >= config.intervalMillis {
            decision.trigger = .periodic
        }
        return decision
    }

    /// One pass of the scheduler at the clock's time: aborts the checkpoints that timed out
    /// and starts one when due. Returns false once the coordinator stopped.
    @discardableResult
    @usableFromInline package func tick() -> Bool {
        let now = clock()
        guard let decision = state.withLock({ s -> Decision? in s.stopped ? nil : Self.decide(&s, now: now, config: config) }) else {
            return false
        }
        for id in decision.timedOut {
            abort(id, reason: "it did not complete within \(config.timeoutMillis) ms (execution.checkpointing.timeout)")
        }
        switch decision.trigger {
        case .periodic: triggerCheckpoint(savepointDirectory: nil, isFinal: false)
        case .savepoint(let directory): triggerCheckpoint(savepointDirectory: directory, isFinal: false)
        case .final: triggerCheckpoint(savepointDirectory: nil, isFinal: true)
        case nil: break
        }
        return true
    }

    /// The timer thread: ticks, then sleeps a quarter of the interval (5-100 ms) or until woken.
    func timerLoop() {
        while tick() {
            wakeup.lock()
            _ = wakeup.wait(until: Date().addingTimeInterval(Double(min(max(config.intervalMillis / 4, 5), 100)) / 1000))
            wakeup.unlock()
        }
    }

    func triggerCheckpoint(savepointDirectory: String?, isFinal: Bool) {
        let now = clock()
        let id: Int64
        do {
            id = try ids.next()
        } catch {
            state.withLock { s in
                s.lastTriggerAt = now
                if let dir = savepointDirectory { s.savepointResults[dir] = .failure(CheckpointFailure("no checkpoint id: \(error)")) }
            }
            log("warning: checkpoint of job '\(jobName)' not triggered: no checkpoint id: \(error)")
            return
        }
        let targets = state.withLock { s -> (CheckpointBarrier, [any TaskControlGateway]) in
            // A savepoint, or the last checkpoint when it becomes a savepoint, must be
            // self-contained: tasks write canonical state instead of incremental files.
            let barrier = CheckpointBarrier(
                checkpointID: id, timestamp: now,
                isSavepoint: savepointDirectory != nil || (isFinal && s.finalSavepointDirectory != nil))
            guard !s.stopped else { return (barrier, []) }
            s.lastTriggerAt = now
            s.pending[id] = Pending(
                barrier: barrier, startedAt: now, expected: Set(s.inboxes.keys),
                isFinal: isFinal, savepointDirectory: savepointDirectory)
            return (barrier, s.sources.union(s.finished).sorted().compactMap { s.inboxes[$0] })
        }
        for inbox in targets.1 { inbox.sendControl(.triggerCheckpoint(targets.0)) }
    }

    // MARK: Responses

    /// Checkpoints triggered and not yet completed or aborted.
    @usableFromInline package var pendingCount: Int { state.withLock { $0.pending.count } }

    @usableFromInline package func acknowledge(checkpointID: Int64, task: ExecutionID, states: [String: SubtaskStateHandle]) {
        // One decision under one lock: deciding "late" in a second look would take the ack that
        // raced with the completing one for a late ack, and discard a completing checkpoint.
        enum Outcome { case waiting, complete(Pending), late }
        let outcome = state.withLock { s -> Outcome in
            guard !s.stopped, var p = s.pending[checkpointID] else { return .late }
            p.acks[task] = states
            p.ackMillis[task] = clock() - p.startedAt
            if p.acks.count == p.expected.count {
                s.pending[checkpointID] = nil
                s.completing += 1
                return .complete(p)
            }
            s.pending[checkpointID] = p
            return .waiting
        }
        switch outcome {
        case .waiting:
            break
        case .complete(let p):
            finish(p)
        case .late:
            // A late upload of an aborted checkpoint or an abandoned run: its files belong to
            // no checkpoint.
            storage.discardCheckpoint(checkpointID)
            deleteUnreferencedShared(states.values.flatMap(\.sharedFiles))
        }
    }

    @usableFromInline package func decline(checkpointID: Int64, task: ExecutionID, reason: String) {
        let pending = state.withLock { $0.pending[checkpointID] != nil }
        guard pending else {
            // Already aborted, or left behind by a stopped run: whatever the failed upload
            // wrote belongs to no checkpoint.
            if !store.retained.contains(checkpointID) { storage.discardCheckpoint(checkpointID) }
            return
        }
        abort(checkpointID, reason: "task \(task) declined it: \(reason)")
    }

    @usableFromInline package func taskFinished(_ task: ExecutionID) {
        let retrigger = state.withLock { s -> [(any TaskControlGateway, CheckpointBarrier)] in
            s.finished.insert(task)
            guard let inbox = s.inboxes[task] else { return [] }
            return s.pending.values.filter { $0.acks[task] == nil }.sorted { $0.barrier.checkpointID < $1.barrier.checkpointID }
                .map { (inbox, $0.barrier) }
        }
        for (inbox, barrier) in retrigger { inbox.sendControl(.triggerCheckpoint(barrier)) }
        wake()
    }

    /// Ends pending checkpoint `id` as failed: tasks hear it aborted and the failure counts
    /// toward the tolerable ones. Its files are deleted unless `keepFiles` (a record of it may
    /// exist in the recovery store).
    func abort(_ id: Int64, reason: String, keepFiles: Bool = false) {
        let outcome = state.withLock {
            s -> (inboxes: [any TaskControlGateway], failures: Int, shared: [StateFileHandle], checkpoint: Pending)? in
            guard let p = s.pending.removeValue(forKey: id) else { return nil }
            s.consecutiveFailures += 1
            if let dir = p.savepointDirectory {
                s.savepointResults[dir] = .failure(CheckpointFailure("savepoint \(id) failed: \(reason)"))
            }
            return (Array(s.inboxes.values), s.consecutiveFailures, p.acks.values.flatMap { $0.values.flatMap(\.sharedFiles) }, p)
        }
        guard let outcome else { return }
        if outcome.checkpoint.savepointDirectory == nil {
            store.recordFailure(
                FailedCheckpointStats(checkpointID: id, triggeredAt: outcome.checkpoint.barrier.timestamp, failedAt: clock(), reason: reason))
        }
        if !keepFiles {
            storage.discardCheckpoint(id)
            deleteUnreferencedShared(outcome.shared)
        }
        for inbox in outcome.inboxes { inbox.sendControl(.checkpointAborted(id)) }
        log("warning: checkpoint \(id) of job '\(jobName)' failed: \(reason)")
        if outcome.failures > config.tolerableFailures {
            failJob(
                "checkpoint \(id) failed and \(outcome.failures) checkpoints failed in a row, more than execution.checkpointing.tolerable-failed-checkpoints (\(config.tolerableFailures)): \(reason)"
            )
        }
        wake()
    }

    /// Deletes shared files uploaded for a checkpoint that will not complete, unless a
    /// retained checkpoint references them.
    func deleteUnreferencedShared(_ files: [StateFileHandle]) {
        storage.deleteShared(files.map(\.path).filter { !store.isShared($0) })
    }

    /// Every task acknowledged: write the metadata, retain, notify.
    func finish(_ p: Pending) {
        defer {
            state.withLock { $0.completing -= 1 }
            wake()
        }
        let id = p.barrier.checkpointID
        var byOperator: [String: [SubtaskStateHandle]] = [:]
        for states in p.acks.values {
            for (uid, handle) in states { byOperator[uid, default: []].append(handle) }
        }
        let metadata = CheckpointMetadata(
            version: CheckpointMetadata.currentVersion, jobID: storage.jobID, jobName: jobName, checkpointID: id,
            timestamp: p.barrier.timestamp, kind: .checkpoint,
            operators: operators.map { op in
                OperatorStateMetadata(
                    uid: op.uid, name: op.name, parallelism: op.parallelism, maxParallelism: op.maxParallelism,
                    subtasks: (byOperator[op.uid] ?? []).sorted { $0.subtaskIndex < $1.subtaskIndex })
            })
        if let dir = p.savepointDirectory {
            // An intermediate savepoint: exported, never committed by sinks, not used for failover.
            let result: Result<String, CheckpointFailure>
            do { result = .success(try SavepointWriter.export(metadata, from: storage, to: dir)) } catch {
                result = .failure(CheckpointFailure("\(error)"))
            }
            storage.discardCheckpoint(id)
            let inboxes = state.withLock { s -> [any TaskControlGateway] in
                s.savepointResults[dir] = result
                s.lastCompletedAt = clock()
                return Array(s.inboxes.values)
            }
            for inbox in inboxes { inbox.sendControl(TaskControl.checkpointAborted(id)) }
            if case .success(let path) = result { log("savepoint \(id) of job '\(jobName)' written to \(path)") }
            wake()
            return
        }
        do {
            try storage.writeMetadata(metadata)
        } catch {
            state.withLock { $0.pending[id] = p }
            abort(id, reason: "writing its metadata failed: \(error)")
            return
        }
        let subsumed: [Int64], unusedShared: [String]
        do {
            (subsumed, unusedShared) = try store.add(
                id, metadata: metadata, directory: storage.checkpointDirectory(id), startedAt: p.startedAt,
                subtasks: Self.subtaskStats(p), clock: clock)
        } catch let error as CheckpointStoreError where error.outcomeUnknown {
            // The record may exist: keep the checkpoint's files (a new leader may restore it),
            // but no task commits for it.
            state.withLock { $0.pending[id] = p }
            abort(id, reason: "it may or may not be recorded: \(error)", keepFiles: true)
            return
        } catch {
            state.withLock { $0.pending[id] = p }
            abort(id, reason: "recording it failed: \(error)")
            return
        }
        for old in subsumed { storage.discardCheckpoint(old) }
        storage.deleteShared(unusedShared)
        let (inboxes, finalSavepoint, completesJob) = state.withLock { s -> ([any TaskControlGateway], String?, Bool) in
            s.consecutiveFailures = 0
            s.lastCompletedAt = clock()
            if p.isFinal { s.finalCompleted = id }
            return (Array(s.inboxes.values), p.isFinal ? s.finalSavepointDirectory : nil, s.finalCompleted.map { id >= $0 } ?? false)
        }
        if let finalSavepoint {
            do {
                let path = try SavepointWriter.export(metadata, from: storage, to: finalSavepoint)
                log("savepoint of job '\(jobName)' written to \(path)")
            } catch {
                failJob("the savepoint on finish could not be written: \(error)")
            }
        }
        for inbox in inboxes { inbox.sendControl(.checkpointComplete(id, completesJob: completesJob)) }
        wake()
    }
}

extension CheckpointCoordinator {
    /// Per acknowledged task: when it acknowledged, and the bytes of its state files.
    static func subtaskStats(_ p: Pending) -> [SubtaskCheckpointStats] {
        p.acks.map { task, states in
            SubtaskCheckpointStats(
                task: task, ackMillis: p.ackMillis[task] ?? 0,
                stateBytes: states.values.reduce(0) { $0 + $1.allFiles.reduce(0) { $0 + $1.size } })
        }.sorted { ($0.task.vertex, $0.task.subtask) < ($1.task.vertex, $1.task.subtask) }
    }
}

/// Why a checkpoint or savepoint failed.
@usableFromInline package struct CheckpointFailure: Error, CustomStringConvertible, Sendable {
    @usableFromInline package let description: String
    @usableFromInline package init(_ description: String) { self.description = description }
}

/// Hands out checkpoint ids that never go backwards, across restarts of a job (and, with a
/// recovery store, across JobManager leaders).
@usableFromInline package final class CheckpointIDCounter: Sendable {
    let value: Mutex<Int64>
    let recovery: (any CheckpointRecoveryStore)?
    @usableFromInline package init(start: Int64 = 1, recovery: (any CheckpointRecoveryStore)? = nil) {
        value = Mutex(start)
        self.recovery = recovery
    }
    @usableFromInline package func next() throws -> Int64 {
        if let recovery {
            let id = try recovery.nextCheckpointID()
            value.withLock { $0 = max($0, id + 1) }
            return id
        }
        return value.withLock { v in
            defer { v += 1 }; return v
        }
    }
    /// Makes the next id larger than `id` (in this process; a recovery store's counter is
    /// initialised by its owner).
    @usableFromInline package func advance(past id: Int64) { value.withLock { $0 = max($0, id + 1) } }
}

/// What one completed checkpoint cost (Flink's checkpoint statistics).
public struct CheckpointStats: Sendable, Equatable {
    public let checkpointID: Int64
    /// From trigger to completion, in milliseconds.
    public let durationMillis: Int64
    /// Bytes of every file the checkpoint references (its full size).
    public let stateBytes: Int64
    /// Bytes written for this checkpoint (less than `stateBytes` when incremental).
    public let uploadedBytes: Int64
    /// When it was triggered, in milliseconds since the epoch.
    public var triggeredAt: Int64 = 0
    /// Each task's acknowledgement (Flink's per-subtask checkpoint statistics).
    public var subtasks: [SubtaskCheckpointStats] = []
}

/// One task's part in a completed checkpoint.
public struct SubtaskCheckpointStats: Sendable, Equatable {
    public let task: ExecutionID
    /// From the trigger to the task's acknowledgement, in milliseconds.
    public let ackMillis: Int64
    /// Bytes of the state files the task's operators referenced.
    public let stateBytes: Int64
}

/// A checkpoint that failed (savepoints are not counted).
@usableFromInline package struct FailedCheckpointStats: Sendable, Equatable {
    @usableFromInline package let checkpointID: Int64
    @usableFromInline package let triggeredAt: Int64
    @usableFromInline package let failedAt: Int64
    @usableFromInline package let reason: String
}

/// The retained completed checkpoints of a job, across its restarts, with the shared files
/// they reference and the statistics of every completed checkpoint.
@usableFromInline package final class CompletedCheckpoints: Sendable {
    struct State {
        var retention: CompletedCheckpointRetention
        var metadata: [Int64: CheckpointMetadata] = [:]
        var registry = SharedStateRegistry()
        var stats: [CheckpointStats] = []
        var failures: [FailedCheckpointStats] = []
        var failureCount = 0
        var completedCount = 0
    }
    let state: Mutex<State>
    /// Where completed checkpoints are recorded beyond this process, if anywhere.
    let recovery: (any CheckpointRecoveryStore)?

    @usableFromInline package init(numRetained: Int, recovery: (any CheckpointRecoveryStore)? = nil) {
        state = Mutex(State(retention: CompletedCheckpointRetention(numRetained: numRetained)))
        self.recovery = recovery
    }

    /// Adds a completed checkpoint whose metadata is in `directory`; returns the ids it
    /// subsumes (to discard) and the shared files no retained checkpoint references any more
    /// (to delete). With a recovery store the checkpoint is recorded there first (a failure
    /// throws and changes nothing here); a subsumed checkpoint the store could not forget is
    /// kept on disk (left out of what is returned).
    @usableFromInline package func add(
        _ id: Int64, metadata: CheckpointMetadata, directory: String, startedAt: Int64,
        subtasks: [SubtaskCheckpointStats] = [], clock: @Sendable () -> Int64 = SystemClock.nowMillis
    ) throws -> (subsumed: [Int64], unusedShared: [String]) {
        try recovery?.addCheckpoint(id, directory: directory)
        // Completed once recorded: the duration includes the write to the recovery store.
        let completedAt = clock()
        let (subsumed, filesOf) = state.withLock { s -> ([Int64], [Int64: [String]]) in
            let shared = Self.sharedPaths(metadata)
            let newShared = Set(shared.filter { !s.registry.isRegistered($0) })
            let uploaded = metadata.allFiles.filter { !$0.path.hasPrefix("shared/") || newShared.contains($0.path) }
                .reduce(Int64(0)) { $0 + $1.size }
            s.stats.append(
                CheckpointStats(
                    checkpointID: id, durationMillis: completedAt - startedAt,
                    stateBytes: metadata.allFiles.reduce(0) { $0 + $1.size }, uploadedBytes: uploaded,
                    triggeredAt: metadata.timestamp, subtasks: subtasks))
            s.completedCount += 1
            if s.stats.count > Self.statsKept { s.stats.removeFirst(s.stats.count - Self.statsKept) }
            s.registry.register(checkpointID: id, files: shared)
            s.metadata[id] = metadata
            return Self.subsume(&s, adding: id)
        }
        return forget(subsumed, filesOf: filesOf)
    }

    /// Takes back the checkpoints a new leader found in the recovery store (with their
    /// metadata read from disk), oldest first; returns the ids they subsume. Unlike `add` it
    /// does not call the recovery store: the caller, already asynchronous, removes those
    /// records itself (the store's calls block their thread).
    @usableFromInline package func recover(_ checkpoints: [(id: Int64, metadata: CheckpointMetadata)]) -> [Int64] {
        var subsumed: [Int64] = []
        for (id, metadata) in checkpoints.sorted(by: { $0.id < $1.id }) {
            subsumed += state.withLock { s in
                s.registry.register(checkpointID: id, files: Self.sharedPaths(metadata))
                s.metadata[id] = metadata
                return Self.subsume(&s, adding: id).0
            }
        }
        return subsumed
    }

    /// The shared files a checkpoint references.
    private static func sharedPaths(_ metadata: CheckpointMetadata) -> [String] {
        metadata.operators.flatMap { $0.subtasks.flatMap { $0.sharedFiles.map(\.path) } }
    }

    private static func subsume(_ s: inout State, adding id: Int64) -> ([Int64], [Int64: [String]]) {
        let subsumed = s.retention.add(id)
        var filesOf: [Int64: [String]] = [:]
        for old in subsumed {
            s.metadata[old] = nil
            filesOf[old] = s.registry.unregister(checkpointID: old)
        }
        return (subsumed, filesOf)
    }

    /// Removes subsumed checkpoints from the recovery store; keeps the files of those it
    /// could not remove (the store may still point at them).
    private func forget(_ subsumed: [Int64], filesOf: [Int64: [String]]) -> (subsumed: [Int64], unusedShared: [String]) {
        var removed: [Int64] = []
        var unused: [String] = []
        for old in subsumed {
            if let recovery {
                do { try recovery.removeCheckpoint(old) } catch { continue }
            }
            removed.append(old)
            unused += filesOf[old] ?? []
        }
        return (removed, unused)
    }

    /// True when a retained checkpoint references the shared file.
    @usableFromInline package func isShared(_ path: String) -> Bool { state.withLock { $0.registry.isRegistered(path) } }

    /// Ids of the retained checkpoints, oldest first.
    @usableFromInline package var retained: [Int64] { state.withLock { $0.retention.retained } }

    /// Statistics of every checkpoint completed so far, in order.
    /// The statistics of the latest completed checkpoints (at most `statsKept`), oldest first.
    @usableFromInline package var stats: [CheckpointStats] { state.withLock { $0.stats } }
    /// How many checkpoints completed in all (of this process's JobMaster for the job).
    @usableFromInline package var completedCount: Int { state.withLock { $0.completedCount } }
    /// Completed checkpoints whose statistics are kept: a job that runs for months must not
    /// grow a record per checkpoint.
    @usableFromInline package static let statsKept = 100

    /// The latest failed checkpoints (at most 10) and how many failed in all.
    @usableFromInline package var failures: (latest: [FailedCheckpointStats], count: Int) { state.withLock { ($0.failures, $0.failureCount) } }

    /// Counts a failed checkpoint and keeps it among the latest failures.
    @usableFromInline package func recordFailure(_ failure: FailedCheckpointStats) {
        state.withLock { s in
            s.failureCount += 1
            s.failures.append(failure)
            if s.failures.count > 10 { s.failures.removeFirst(s.failures.count - 10) }
        }
    }
}
