// Runs a whole job inside one process: one thread per subtask, in-memory channels.

import Foundation
import Synchronization
import RivuletCore

/// The local cluster (Flink's MiniCluster): deploys every subtask of a JobGraph as a
/// thread in this process, wires their channels and waits for the job to end.
public final class MiniCluster: Sendable {
    struct RunState {
        var failure: JobExecutionError?
        /// The failure is one a restart cannot fix (an `UnrecoverableError`).
        var unrecoverable = false
        var running = 0
        var inboxes: [TaskInbox] = []
        var cancelled = false
        var backPressuredNanos: [String: UInt64] = [:]
        var coordinator: CheckpointCoordinator?
    }
    private let state = Mutex(RunState())
    private let finished = NSCondition()

    public init() {}

    /// Cancels a running job: every task stops at its next step.
    public func cancel() {
        let inboxes = state.withLock { s -> [TaskInbox] in
            s.cancelled = true
            return s.inboxes
        }
        for inbox in inboxes { inbox.cancel() }
    }

    /// Deploys and runs the job; returns when every task has finished, or throws the failure
    /// that ended it. With checkpointing a failed run restarts from the latest completed
    /// checkpoint, as the restart strategy allows.
    public func execute(_ graph: StreamGraph, jobGraph: JobGraph, options: ExecutionOptions = ExecutionOptions()) throws -> JobExecutionResult {
        let started = SystemClock.nowMillis()
        let configuration = graph.configuration
        let checkpointConfig = try CheckpointConfig(configuration)
        let restartStrategy = RestartStrategy(configuration)
        let jobID = options.jobID ?? Self.newJobID()
        if let directory = options.savepointOnFinish {
            try SnapshotLocation.checkSavepointTarget(directory, checkpointing: configuration.checkpointingEnabled)
        }
        var storage: FileSystemCheckpointStorage?
        if configuration.checkpointingEnabled {
            let s = FileSystemCheckpointStorage(baseDirectory: checkpointConfig.directory, jobID: jobID, writeFault: options.writeFault)
            try s.initialize()
            storage = s
        }
        let ids = CheckpointIDCounter()
        let completed = CompletedCheckpoints(numRetained: checkpointConfig.numRetained)
        let operators = CheckpointedOperator.all(in: graph, jobGraph: jobGraph)
        var savepointState: [ExecutionID: [String: OperatorSnapshot]] = [:]
        if let path = options.restoreFromSavepoint {
            let location = try SnapshotLocation.resolve(path)
            let kind = location.metadata.kind == .savepoint ? "savepoint" : "checkpoint"
            savepointState = try StateRestorer.load(
                location.metadata, origin: "\(kind) \(location.directory)", strict: true,
                graph: graph, jobGraph: jobGraph
            ) {
                try FileSystemCheckpointStorage.readFile($0, base: location.fileBase)
            }
            ids.advance(past: location.metadata.checkpointID)
        }
        var attempt = 0
        var restarts: [String] = []
        while true {
            var restore = savepointState
            if attempt > 0, let storage {
                if let latest = storage.latestValidCheckpoint(warn: options.log) {
                    restore = try StateRestorer.load(
                        latest.metadata, origin: "checkpoint \(storage.checkpointDirectory(latest.id))",
                        strict: false, graph: graph, jobGraph: jobGraph
                    ) { try storage.readFile($0) }
                    options.log("job '\(jobGraph.jobName)' restarts (attempt \(attempt)) from checkpoint \(latest.id)")
                } else {
                    let from = options.restoreFromSavepoint.map { "from \($0) again" } ?? "from the start"
                    options.log("job '\(jobGraph.jobName)' restarts (attempt \(attempt)) with no completed checkpoint: \(from)")
                }
            }
            var coordinator: CheckpointCoordinator?
            if let storage {
                coordinator = CheckpointCoordinator(
                    storage: storage, config: checkpointConfig, jobName: jobGraph.jobName, operators: operators,
                    ids: ids, store: completed,
                    failJob: { [self] reason in self.failRun(task: "checkpoint coordinator", message: reason) },
                    log: options.log)
            }
            state.withLock { $0.coordinator = coordinator }
            do {
                let result = try runOnce(
                    graph, jobGraph: jobGraph, runPrefix: String(jobID.prefix(8)), attempt: attempt, restore: restore,
                    coordinator: coordinator, savepointOnFinish: options.savepointOnFinish)
                coordinator?.stop()
                return JobExecutionResult(
                    jobName: jobGraph.jobName, durationMillis: SystemClock.nowMillis() - started,
                    taskCount: result.taskCount, backPressuredNanosByVertex: result.backPressure,
                    jobID: jobID, restarts: restarts, completedCheckpoints: completed.retained,
                    checkpointStats: completed.stats)
            } catch let error as JobExecutionError {
                coordinator?.stop()
                if case .cancelled = error { throw error }
                if state.withLock({ $0.unrecoverable }) { throw error }
                attempt += 1
                guard let delay = restartStrategy.delayMillis(beforeRestart: attempt) else { throw error }
                restarts.append(error.description)
                options.log("warning: \(error.description)")
                if delay > 0 { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
                if state.withLock({ $0.cancelled }) { throw JobExecutionError.cancelled(job: jobGraph.jobName) }
            }
        }
    }

    /// Takes a savepoint of the running job into `directory` (checkpointing must be on).
    public func triggerSavepoint(into directory: String) throws -> String {
        guard let coordinator = state.withLock({ $0.coordinator }) else {
            throw CheckpointFailure(
                "cannot take a savepoint: the job is not running with checkpointing on (set execution.checkpointing.interval and state.checkpoints.dir)"
            )
        }
        return try coordinator.triggerSavepoint(into: directory)
    }

    /// One run of the job's tasks.
    func runOnce(
        _ graph: StreamGraph, jobGraph: JobGraph, runPrefix: String, attempt: Int, restore: [ExecutionID: [String: OperatorSnapshot]],
        coordinator: CheckpointCoordinator?, savepointOnFinish: String?
    ) throws -> (taskCount: Int, backPressure: [String: UInt64]) {
        var deployments = try Self.deploy(jobGraph, configuration: graph.configuration)
        for i in deployments.indices {
            deployments[i].attempt = attempt
            deployments[i].runID = "\(runPrefix)a\(attempt)"
            deployments[i].restore = restore[deployments[i].executionID] ?? [:]
            deployments[i].checkpoints = coordinator
        }
        let cancelledAlready = state.withLock { s -> Bool in
            s.inboxes = deployments.map(\.inbox)
            s.running = deployments.count
            s.failure = nil
            s.unrecoverable = false
            s.backPressuredNanos = [:]
            return s.cancelled
        }
        if cancelledAlready { throw JobExecutionError.cancelled(job: jobGraph.jobName) }
        if let coordinator {
            let sourceVertices = Set(jobGraph.vertices.filter { v in !jobGraph.edges.contains { $0.targetVertex == v.id } }.map(\.id))
            coordinator.register(
                tasks: Dictionary(uniqueKeysWithValues: deployments.map { ($0.executionID, $0.inbox as any TaskControlGateway) }),
                sources: Set(deployments.map(\.executionID).filter { sourceVertices.contains($0.vertex) }),
                savepointOnFinish: savepointOnFinish)
            coordinator.start()
        }
        let vertexNames = Dictionary(uniqueKeysWithValues: jobGraph.vertices.map { ($0.id, $0.name) })
        for deployment in deployments {
            let thread = Thread { [self] in
                var blocked: UInt64 = 0
                do {
                    let task = StreamTask(deployment: deployment, graph: graph)
                    defer { blocked = task.backPressuredNanos }
                    try task.run()
                } catch {
                    self.taskFailed(deployment, error)
                }
                self.state.withLock { $0.backPressuredNanos[vertexNames[deployment.vertex.id] ?? "?", default: 0] += blocked }
                self.taskEnded()
            }
            thread.name = deployment.displayName
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.lock()
        while state.withLock({ $0.running }) > 0 { finished.wait() }
        finished.unlock()
        let (failure, cancelled) = state.withLock { ($0.failure, $0.cancelled) }
        if let failure { throw failure }
        if cancelled { throw JobExecutionError.cancelled(job: jobGraph.jobName) }
        return (deployments.count, state.withLock { $0.backPressuredNanos })
    }

    static func newJobID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Fails the current run with `message` (attributed to `task`) and cancels its tasks;
    /// `unrecoverable` failures end the job without a restart.
    func failRun(task: String, message: String, unrecoverable: Bool = false) {
        let first = state.withLock { s -> Bool in
            guard s.failure == nil else { return false }
            s.failure = .taskFailed(task: task, message: message)
            s.unrecoverable = unrecoverable
            return true
        }
        if first {
            for inbox in state.withLock({ $0.inboxes }) { inbox.cancel() }
        }
    }

    private func taskFailed(_ deployment: TaskDeployment, _ error: any Error) {
        if error is TaskCancelledError { return }
        failRun(task: deployment.displayName, message: "\(error)", unrecoverable: isUnrecoverable(error))
    }

    private func taskEnded() {
        state.withLock { $0.running -= 1 }
        finished.lock()
        finished.broadcast()
        finished.unlock()
    }

    /// Creates every subtask's inbox and wires producers to consumer channels.
    static func deploy(_ jobGraph: JobGraph, configuration: Configuration) throws -> [TaskDeployment] {
        let credits = configuration[NetworkOptions.creditsPerChannel]
        let plan = ChannelPlan(jobGraph)
        let inboxes: [[TaskInbox]] = jobGraph.vertices.map { vertex in
            (0..<vertex.parallelism).map { TaskInbox(channelCount: plan.inputs[vertex.id][$0].count, creditsPerChannel: credits) }
        }
        var deployments: [TaskDeployment] = []
        for vertex in jobGraph.vertices {
            for subtask in 0..<vertex.parallelism {
                var targets: [StreamEdgeShape: [ChannelTarget]] = [:]
                for (edgeIndex, edge) in jobGraph.edges.enumerated() where edge.sourceVertex == vertex.id {
                    targets[edge.streamEdge] = plan.consumers(edge: edgeIndex, producer: subtask).map {
                        ChannelTarget(inbox: inboxes[edge.targetVertex][$0.consumer], channel: $0.channel)
                    }
                }
                deployments.append(
                    TaskDeployment(
                        vertex: vertex, subtaskIndex: subtask, inbox: inboxes[vertex.id][subtask],
                        channelInputs: plan.inputs[vertex.id][subtask].map(\.input),
                        outputTargets: targets))
            }
        }
        return deployments
    }
}
