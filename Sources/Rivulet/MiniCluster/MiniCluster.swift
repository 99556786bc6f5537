// Runs a whole job inside one process: one thread per subtask, in-memory channels.

import Foundation
import Synchronization
import RivuletCore

/// The local cluster (Flink's MiniCluster): deploys every subtask of a JobGraph as a
/// thread in this process, wires their channels and waits for the job to end.
public final class MiniCluster: Sendable {
    struct RunState {
        var failure: JobExecutionError?
        var running = 0
        var inboxes: [TaskInbox] = []
        var cancelled = false
        var backPressuredNanos: [String: UInt64] = [:]
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

    /// Deploys and runs the job; returns when every task has finished, or throws the first failure.
    public func execute(_ graph: StreamGraph, jobGraph: JobGraph) throws -> JobExecutionResult {
        let started = SystemClock.nowMillis()
        let deployments = try Self.deploy(jobGraph, configuration: graph.configuration)
        state.withLock {
            $0.inboxes = deployments.map(\.inbox)
            $0.running = deployments.count
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
        return JobExecutionResult(jobName: jobGraph.jobName, durationMillis: SystemClock.nowMillis() - started,
                                  taskCount: deployments.count,
                                  backPressuredNanosByVertex: state.withLock { $0.backPressuredNanos })
    }

    private func taskFailed(_ deployment: TaskDeployment, _ error: any Error) {
        if error is TaskCancelledError { return }
        let first = state.withLock { s -> Bool in
            guard s.failure == nil else { return false }
            s.failure = .taskFailed(task: deployment.displayName, message: "\(error)")
            return true
        }
        if first {
            for inbox in state.withLock({ $0.inboxes }) { inbox.cancel() }
        }
    }

    private func taskEnded() {
        state.withLock { $0.running -= 1 }
        finished.lock()
        finished.broadcast()
        finished.unlock()
    }

    /// Creates every subtask's inbox and wires producers to consumer channels.
    static func deploy(_ jobGraph: JobGraph, configuration: Configuration) throws -> [TaskDeployment] {
        let credits = configuration.int("taskmanager.network.credits-per-channel")
        // Channels of each consumer subtask: (edge, producer subtask) in a fixed order.
        var channelInputs: [[[Int]]] = jobGraph.vertices.map { Array(repeating: [], count: $0.parallelism) }
        var channelOf: [Int: [Int: [Int: Int]]] = [:]   // edge index -> producer -> consumer -> channel
        for (edgeIndex, edge) in jobGraph.edges.enumerated() {
            let producer = jobGraph.vertices[edge.sourceVertex], consumer = jobGraph.vertices[edge.targetVertex]
            for c in 0..<consumer.parallelism {
                for p in 0..<producer.parallelism where edge.streamEdge.partitioning.connects(producer: p, consumer: c) {
                    channelOf[edgeIndex, default: [:]][p, default: [:]][c] = channelInputs[consumer.id][c].count
                    channelInputs[consumer.id][c].append(edge.streamEdge.inputIndex)
                }
            }
        }
        var inboxes: [[TaskInbox]] = []
        for vertex in jobGraph.vertices {
            inboxes.append((0..<vertex.parallelism).map {
                TaskInbox(channelCount: channelInputs[vertex.id][$0].count, creditsPerChannel: credits)
            })
        }
        var deployments: [TaskDeployment] = []
        for vertex in jobGraph.vertices {
            for subtask in 0..<vertex.parallelism {
                var targets: [StreamEdgeShape: [ChannelTarget]] = [:]
                for (edgeIndex, edge) in jobGraph.edges.enumerated() where edge.sourceVertex == vertex.id {
                    let consumer = jobGraph.vertices[edge.targetVertex]
                    let channels = channelOf[edgeIndex]?[subtask] ?? [:]
                    targets[edge.streamEdge] = channels.keys.sorted().compactMap { c in
                        channels[c].map { ChannelTarget(inbox: inboxes[consumer.id][c], channel: $0) }
                    }
                }
                deployments.append(TaskDeployment(vertex: vertex, subtaskIndex: subtask, inbox: inboxes[vertex.id][subtask],
                                                  channelInputs: channelInputs[vertex.id][subtask],
                                                  outputTargets: targets))
            }
        }
        return deployments
    }
}
