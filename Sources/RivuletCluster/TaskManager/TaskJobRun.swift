// One run (attempt) of a job on this TaskManager: the rebuilt job, the inboxes of the local
// subtasks, their wiring (in memory or over the data plane) and their threads.

import Foundation
import RivuletRuntime
import RivuletCore
import RivuletNetwork
import Synchronization

/// The subtasks of one job run that this TaskManager runs.
final class TaskJobRun: Sendable {
    let jobID: String
    let jobName: String
    let attempt: Int
    let built: BuiltJob
    let plan: ChannelPlan
    let placement: [[TaskLocation]]
    let resourceID: String
    let restoreSource: RestoreSource?
    let responder: RemoteCheckpointResponder?
    let dataPlane: DataPlane
    /// Inboxes of the local subtasks, created up front so local producers always find them.
    let inboxes: [ExecutionID: TaskInbox]

    struct TaskState {
        var metrics: TaskIOMetrics
        var outputs: [RemoteSubpartition] = []
        /// The network streams the subtask reads, released when it ends.
        var inputs: [(client: PartitionRequestClient, stream: UInt32)] = []
        var ended = false
    }
    struct State {
        var tasks: [ExecutionID: TaskState] = [:]
        var restored: [ExecutionID: [String: OperatorSnapshot]]?
        var cancelled = false
    }
    private let state = Mutex(State())
    /// Serialises the one-time restore load.
    private let restoreLock = Mutex(())

    init(
        descriptor: TaskDescriptor, built: BuiltJob, storage: FileSystemCheckpointStorage? = nil, resourceID: String,
        dataPlane: DataPlane, connection: JobManagerConnection
    ) throws {
        guard built.jobGraph.fingerprint == descriptor.fingerprint else {
            throw ClusterError(
                "job '\(descriptor.jobName)' rebuilt on this TaskManager does not match the JobManager's graph (fingerprint \(built.jobGraph.fingerprint) vs \(descriptor.fingerprint)): the job builder must be deterministic and both must run the same binary"
            )
        }
        jobID = descriptor.jobID
        jobName = descriptor.jobName
        attempt = descriptor.attempt
        self.built = built
        plan = ChannelPlan(built.jobGraph)
        placement = descriptor.placement
        self.resourceID = resourceID
        restoreSource = descriptor.restore
        self.dataPlane = dataPlane
        guard placement.count == built.jobGraph.vertices.count,
            zip(placement, built.jobGraph.vertices).allSatisfy({ $0.count == $1.parallelism })
        else {
            throw ClusterError("the deployment's placement does not fit job '\(descriptor.jobName)'")
        }
        let credits = built.graph.configuration[NetworkOptions.creditsPerChannel]
        var inboxes: [ExecutionID: TaskInbox] = [:]
        for vertex in built.jobGraph.vertices {
            for subtask in 0..<vertex.parallelism where placement[vertex.id][subtask].resourceID == resourceID {
                inboxes[ExecutionID(vertex: vertex.id, subtask: subtask)] =
                    TaskInbox(channelCount: plan.inputs[vertex.id][subtask].count, creditsPerChannel: credits)
            }
        }
        self.inboxes = inboxes
        if !descriptor.checkpointDirectory.isEmpty && built.graph.configuration.checkpointingEnabled {
            // A job handed over in-process writes through its JobMaster's storage.
            let storage = storage ?? FileSystemCheckpointStorage(baseDirectory: descriptor.checkpointDirectory, jobID: descriptor.jobID)
            responder = RemoteCheckpointResponder(storage: storage, jobID: jobID, attempt: attempt, connection: connection)
        } else {
            responder = nil
        }
    }

    var key: String { Self.key(jobID, attempt) }
    static func key(_ jobID: String, _ attempt: Int) -> String { "\(jobID)#\(attempt)" }

    /// The record type on `edge` and its codec, or an error naming why it cannot cross processes.
    func codec(edge: Int) throws -> RecordCodec {
        let shape = built.jobGraph.edges[edge].streamEdge
        guard let node = built.graph.node(shape.source) else { throw ClusterError("edge \(edge) names an unknown operator") }
        let type = shape.sideOutputTag.flatMap { node.sideOutputTypes[$0] } ?? node.outputType
        guard let codec = type.codec else {
            let target = built.graph.node(shape.target)?.shape.name ?? "?"
            throw ClusterError(
                "records of type \(type.name) from '\(node.shape.name)' to '\(target)' cross TaskManagers, so \(type.name) must conform to BinaryCodable (Codable types get it by declaring the conformance)"
            )
        }
        return codec
    }

    /// Wires subtask `execution` and runs it on its own thread; `report` gets its end state.
    func start(_ execution: ExecutionID, report: @escaping @Sendable (ExecutionID, TaskEnd, TaskIOMetrics) -> Void) throws {
        guard let inbox = inboxes[execution] else {
            throw ClusterError("subtask \(execution) of job \(jobID) is not placed on this TaskManager")
        }
        let metrics = TaskIOMetrics()
        let first = state.withLock { s -> Bool in
            guard s.tasks[execution] == nil, !s.cancelled else { return false }
            s.tasks[execution] = TaskState(metrics: metrics)
            return true
        }
        guard first else { throw ClusterError("subtask \(execution) of job \(jobID) attempt \(attempt) was already deployed or cancelled") }
        let vertex = built.jobGraph.vertices[execution.vertex]
        let thread = Thread { [self] in
            let end: TaskEnd
            do {
                var deployment = try wire(execution, vertex: vertex, inbox: inbox)
                deployment.metrics = metrics
                deployment.attempt = attempt
                deployment.runID = "\(jobID.prefix(8))a\(attempt)"
                deployment.checkpoints = responder
                deployment.restore = try restored()[execution] ?? [:]
                report(execution, .running, metrics)
                let task = StreamTask(deployment: deployment, graph: built.graph)
                try task.run()
                end = .finished
            } catch is TaskCancelledError {
                end = .canceled
            } catch {
                end = .failed("\(error)", unrecoverable: isUnrecoverable(error))
            }
            // Local producers still pushing into this ended task's inbox (it failed, say) must
            // not wait for credit it will never give: their pushes now fail at once.
            inbox.cancel()
            let inputs = state.withLock { s -> [(client: PartitionRequestClient, stream: UInt32)] in
                s.tasks[execution]?.ended = true
                defer { s.tasks[execution]?.inputs = [] }
                return s.tasks[execution]?.inputs ?? []
            }
            for input in inputs { input.client.release(stream: input.stream) }
            report(execution, end, metrics)
        }
        thread.name = "\(vertex.name) (\(execution.subtask + 1)/\(vertex.parallelism))"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The state of every local subtask, loaded once per run.
    func restored() throws -> [ExecutionID: [String: OperatorSnapshot]] {
        try restoreLock.withLock { _ in
            if let done = state.withLock({ $0.restored }) { return done }
            var result: [ExecutionID: [String: OperatorSnapshot]] = [:]
            if let source = restoreSource {
                do {
                    let location = try SnapshotLocation.resolve(source.directory)
                    result = try StateRestorer.load(
                        location.metadata, origin: "\(source.strict ? "savepoint" : "checkpoint") \(location.directory)", strict: source.strict,
                        graph: built.graph, jobGraph: built.jobGraph
                    ) {
                        try FileSystemCheckpointStorage.readFile($0, base: location.fileBase)
                    }
                } catch  where source.strict && !isUnrecoverable(error) {
                    // The savepoint the job was started from cannot be read: every restart
                    // would read it again, so the job fails at once.
                    throw SnapshotMismatchError("\(error)")
                }
                result = result.filter { inboxes[$0.key] != nil }
            }
            state.withLock { $0.restored = result }
            return result
        }
    }

    /// Channels of one subtask: local consumers' inboxes or network subpartitions for outputs,
    /// network requests for inputs whose producers run elsewhere.
    func wire(_ execution: ExecutionID, vertex: JobVertex, inbox: TaskInbox) throws -> TaskDeployment {
        let graph = built.jobGraph
        let bufferSize = built.graph.configuration[NetworkOptions.bufferSize]
        let credits = built.graph.configuration[NetworkOptions.creditsPerChannel]
        var targets: [StreamEdgeShape: [ChannelTarget]] = [:]
        var outputs: [RemoteSubpartition] = []
        for (edgeIndex, edge) in graph.edges.enumerated() where edge.sourceVertex == vertex.id {
            var list: [ChannelTarget] = []
            for (consumer, channel) in plan.consumers(edge: edgeIndex, producer: execution.subtask) {
                let consumerID = ExecutionID(vertex: edge.targetVertex, subtask: consumer)
                if let local = inboxes[consumerID] {
                    list.append(ChannelTarget(inbox: local, channel: channel))
                } else {
                    let key = SubpartitionKey(jobID: jobID, attempt: attempt, edge: edgeIndex, producer: execution.subtask, consumer: consumer)
                    guard let subpartition = dataPlane.partitions.subpartition(key) else { throw TaskCancelledError() }
                    outputs.append(subpartition)
                    list.append(
                        ChannelTarget(
                            sink: NetworkOutput(subpartition: subpartition, codec: try codec(edge: edgeIndex), bufferSize: bufferSize),
                            channel: 0))
                }
            }
            targets[edge.streamEdge] = list
        }
        let cancelled = state.withLock { s -> Bool in
            s.tasks[execution]?.outputs = outputs
            return s.cancelled
        }
        if cancelled { for o in outputs { o.cancel() }; throw TaskCancelledError() }
        for (channel, source) in plan.inputs[vertex.id][execution.subtask].enumerated() {
            let producerVertex = graph.edges[source.edge].sourceVertex
            let location = placement[producerVertex][source.producer]
            guard location.resourceID != resourceID else { continue }
            let key = SubpartitionKey(jobID: jobID, attempt: attempt, edge: source.edge, producer: source.producer, consumer: execution.subtask)
            let client = try dataPlane.client(host: location.host, port: location.dataPort)
            let input = RemoteInputChannel(key: key, inbox: inbox, channel: channel, codec: try codec(edge: source.edge))
            let stream = try client.request(input, credits: credits) { stream in
                inbox.onConsumed(channel: channel) { client.addCredit(stream: stream) }
            }
            state.withLock { $0.tasks[execution]?.inputs.append((client, stream)) }
        }
        return TaskDeployment(
            vertex: vertex, subtaskIndex: execution.subtask, inbox: inbox,
            channelInputs: plan.inputs[vertex.id][execution.subtask].map(\.input), outputTargets: targets)
    }

    /// Cancels one subtask.
    func cancel(_ execution: ExecutionID) {
        let outputs = state.withLock { $0.tasks[execution]?.outputs ?? [] }
        inboxes[execution]?.cancel()
        for output in outputs { output.cancel() }
    }

    /// Cancels every subtask of the run (also those not deployed yet).
    func cancelAll() {
        let outputs = state.withLock { s -> [RemoteSubpartition] in
            s.cancelled = true
            return s.tasks.values.flatMap(\.outputs)
        }
        for inbox in inboxes.values { inbox.cancel() }
        for output in outputs { output.cancel() }
    }

    /// Delivers checkpoint control to the given local subtasks (all when nil).
    func control(_ control: TaskControl, to executions: [ExecutionID]?) {
        for id in executions ?? Array(inboxes.keys) { inboxes[id]?.sendControl(control) }
    }

    /// True when every deployed subtask ended and none is still expected.
    var allEnded: Bool {
        state.withLock { s in s.tasks.count == inboxes.count && s.tasks.values.allSatisfy(\.ended) }
    }

    /// Metrics of every deployed subtask.
    var metrics: [(ExecutionID, TaskIOMetrics)] { state.withLock { s in s.tasks.map { ($0.key, $0.value.metrics) } } }

    /// The subtasks running now, labelled for metrics.
    var running: [RunningTask] {
        let names = Dictionary(built.jobGraph.vertices.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        return state.withLock { s in
            s.tasks.filter { !$0.value.ended }.map { execution, task in
                RunningTask(
                    id: ExecutionAttemptID(jobID: jobID, attempt: attempt, execution: execution), jobName: jobName,
                    taskName: names[execution.vertex] ?? "vertex \(execution.vertex)", metrics: task.metrics)
            }
        }
    }
}

/// How a subtask ended (or that it started running).
enum TaskEnd: Sendable {
    case running
    case finished
    case canceled
    case failed(String, unrecoverable: Bool)
}
