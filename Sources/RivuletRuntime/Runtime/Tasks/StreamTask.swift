// One subtask on its own thread: builds its operator chain, then runs the mailbox loop.

import Foundation
import RivuletCore

/// Runs one subtask (Flink's StreamTask with the mailbox model): input processing, timers and
/// control mail all happen on this task's thread, so operator code needs no locks.
/// Created and used on the task's thread only.
@usableFromInline package final class StreamTask {
    let deployment: TaskDeployment
    let graph: StreamGraph
    let processingTime: ProcessingTimeService
    var metrics: TaskIOMetrics { deployment.metrics }
    var operators: [OperatorRuntime] = []  // topological order, head first
    /// The context of each operator, in the same order (they snapshot its state).
    var contexts: [OperatorContext] = []
    /// Every context created so far, for releasing resources even when the chain failed to build.
    var createdContexts: [OperatorContext] = []
    var writers: [RecordWriterControl] = []
    /// Checkpoint state of this task (nil when the job does not checkpoint).
    var checkpointing: TaskCheckpointing?
    var head: OperatorRuntime { operators[0] }
    let bufferTimeoutMillis: Int64
    @exclusivity(unchecked) var lastFlush: Int64 = 0

    @usableFromInline package init(deployment: TaskDeployment, graph: StreamGraph, clock: @escaping () -> Int64 = SystemClock.nowMillis) {
        self.deployment = deployment
        self.graph = graph
        self.processingTime = ProcessingTimeService(clock: clock)
        self.bufferTimeoutMillis = graph.configuration[NetworkOptions.bufferTimeout].milliseconds
        if let responder = deployment.checkpoints {
            checkpointing = TaskCheckpointing(responder: responder, task: deployment.executionID)
        }
    }

    /// Builds the chain and runs until the input ends; throws the first failure.
    @usableFromInline package func run() throws {
        defer {
            // Uploads in flight read the operators' snapshots (RocksDB's native checkpoint
            // files among them): they end, acknowledged or declined, before those are released
            // and before the task counts as ended.
            checkpointing?.uploads.sync {}
            for context in createdContexts { context.dispose() }
        }
        try buildChain()
        for op in operators.reversed() {
            do { try op.open() } catch { throw attributed(op.name, error) }
        }
        lastFlush = processingTime.currentTime()
        if let source = head.source {
            try runSource(source)
        } else {
            try runInputs()
        }
        try finishChain()
        try awaitFinalCheckpoint()
        try closeChain()
    }

    // MARK: Chain assembly

    func buildChain() throws {
        let vertex = deployment.vertex
        metrics.attach(outputs: deployment.outputTargets.values.flatMap { $0 }, inbox: deployment.inbox)
        let chained = Set(vertex.chainedEdges)
        var built: [Int: OperatorRuntime] = [:]
        var builtContexts: [Int: OperatorContext] = [:]
        let batchSize = graph.configuration[NetworkOptions.batchSize]
        for nodeID in vertex.operatorIDs.reversed() {
            guard let node = graph.node(nodeID) else { throw RuntimeInvariantError("vertex names unknown operator \(nodeID)") }
            var parts = OutputParts()
            var sideEntries: [String: [RecordInput]] = [:]
            for edge in graph.outEdges(of: nodeID) {
                let type: RecordType
                if let tag = edge.shape.sideOutputTag {
                    guard let t = node.sideOutputTypes[tag] else { throw RuntimeInvariantError("undeclared side output \(tag)") }
                    type = t
                } else {
                    type = node.outputType
                }
                let entry: RecordInput
                if chained.contains(edge.shape) {
                    guard let target = built[edge.shape.target] else { throw RuntimeInvariantError("chain order broken") }
                    guard target.inputTypeNames[edge.shape.inputIndex] == type.name else {
                        throw RuntimeInvariantError(
                            "'\(target.name)' takes \(target.inputTypeNames[edge.shape.inputIndex]) but '\(node.shape.name)' emits \(type.name)")
                    }
                    entry = target.recordInputs[edge.shape.inputIndex]
                    parts.watermarks.append(target.watermarkInputs[edge.shape.inputIndex])
                    parts.statuses.append(target.statusInputs[edge.shape.inputIndex])
                } else {
                    guard let targets = deployment.outputTargets[edge.shape] else {
                        throw RuntimeInvariantError("no channels for edge \(edge.shape.source)->\(edge.shape.target)")
                    }
                    let spec = WriterSpec(
                        targets: targets, partitioning: edge.shape.partitioning, batchSize: batchSize,
                        keyGroupOf: edge.keyGroupOf, maxParallelism: node.shape.maxParallelism,
                        producerIndex: deployment.subtaskIndex, metrics: metrics)
                    let (writerEntry, control) = try type.makeWriter(spec)
                    entry = writerEntry
                    writers.append(control)
                    let metrics = metrics
                    parts.watermarks.append {
                        metrics.setOutputWatermark($0)
                        try control.broadcastEvent(.watermark($0))
                    }
                    parts.statuses.append { try control.broadcastEvent(.watermarkStatus($0)) }
                }
                if let tag = edge.shape.sideOutputTag {
                    sideEntries[tag, default: []].append(entry)
                } else {
                    parts.records.append(entry)
                }
            }
            for (tag, entries) in sideEntries {
                guard let type = node.sideOutputTypes[tag] else { continue }
                parts.sides[tag] = try type.makeSide(entries)
            }
            let output = try node.outputType.makeOutput(parts)
            let uid = JobGraphGenerator.uid(of: node.shape)
            let restored = deployment.restore[uid]
            let context = OperatorContext(
                operatorName: node.shape.name, uid: uid,
                subtaskIndex: deployment.subtaskIndex, parallelism: node.shape.parallelism,
                maxParallelism: node.shape.maxParallelism, processingTimeService: processingTime,
                configuration: graph.configuration,
                operatorState: OperatorStateStore(operatorName: node.shape.name, restored: restored?.lists ?? [:]),
                restored: restored, checkpointingEnabled: checkpointing != nil, attempt: deployment.attempt, runID: deployment.runID)
            builtContexts[nodeID] = context
            createdContexts.append(context)
            do {
                built[nodeID] = try node.factory(context, output)
            } catch {
                throw attributed(node.shape.name, error)
            }
        }
        operators = vertex.operatorIDs.compactMap { built[$0] }
        contexts = vertex.operatorIDs.compactMap { builtContexts[$0] }
    }

    // MARK: Loops

    func runSource(_ source: SourceDriver) throws {
        let inbox = deployment.inbox
        while true {
            while let event = try inbox.poll() {
                try handleMail(event)
            }
            try fireTimers()
            let result: SourcePollResult
            do { result = try source.poll() } catch { throw attributed(head.name, error) }
            switch result {
            case .moreAvailable:
                try maybeFlushOnTimeout()
            case .nothingAvailable(let retryAt):
                try flushOutputs()
                let wake = min(retryAt, processingTime.nextTime ?? Int64.max)
                // A source with nothing to read (or held to its rate) is idle, as in Flink.
                let waitStart = DispatchTime.now().uptimeNanoseconds
                let mail = try inbox.next(deadline: date(wake), readData: false)
                metrics.addIdle(DispatchTime.now().uptimeNanoseconds &- waitStart)
                try handleMail(mail)
            case .endOfInput:
                try head.watermarkInputs[0](StreamTime.maxWatermark)
                return
            }
        }
    }

    func runInputs() throws {
        let inbox = deployment.inbox
        let inputCount = (deployment.channelInputs.max() ?? 0) + 1
        var localIndex: [Int] = []
        var channelsPerInput = Array(repeating: 0, count: inputCount)
        for input in deployment.channelInputs {
            localIndex.append(channelsPerInput[input])
            channelsPerInput[input] += 1
        }
        var valves = channelsPerInput.map { StatusWatermarkValve(channelCount: $0) }
        var open = deployment.channelInputs.count
        var aligner = CheckpointBarrierAligner(
            channelCount: deployment.channelInputs.count,
            exactlyOnce: graph.configuration[CheckpointingOptions.mode] == .exactlyOnce)
        let batchInputs = head.batchInputs, watermarkInputs = head.watermarkInputs, statusInputs = head.statusInputs
        var inputWatermarks = Array(repeating: Int64.min, count: inputCount)
        func apply(_ outputs: [ValveOutput], input: Int) throws {
            for output in outputs {
                switch output {
                case .watermark(let w):
                    inputWatermarks[input] = w
                    metrics.setInputWatermark(inputWatermarks.min() ?? w)
                    try watermarkInputs[input](w)
                case .status(let s): try statusInputs[input](s)
                }
            }
        }
        while open > 0 {
            var event = try inbox.poll()
            if event == nil {
                try flushOutputs()
                let waitStart = DispatchTime.now().uptimeNanoseconds
                event = try inbox.next(deadline: processingTime.nextTime.map(date))
                metrics.addIdle(DispatchTime.now().uptimeNanoseconds &- waitStart)
            }
            guard let event else { continue }
            switch event {
            case .mail, .control:
                if case .control(.checkpointAborted(let id)) = event {
                    try perform(aligner.abort(checkpointID: id))
                }
                try handleMail(event)
            case .timeout:
                break
            case .element(let channel, let element):
                let input = deployment.channelInputs[channel]
                switch element {
                case .records(let batch):
                    let counted = batch as? any RecordCounting
                    if let counted {
                        metrics.addReceived(counted.recordCount)
                        metrics.addTransit(MonotonicClock.nanos() &- counted.createdAtNanos)
                    }
                    try batchInputs[input](batch)
                    counted?.recycle()
                case .watermark(let w):
                    if let w = valves[input].inputWatermark(w, channel: localIndex[channel]) { try apply([w], input: input) }
                case .watermarkStatus(let s):
                    try apply(valves[input].inputWatermarkStatus(s, channel: localIndex[channel]), input: input)
                case .barrier(let barrier):
                    try perform(aligner.barrier(barrier, channel: channel))
                case .endOfPartition:
                    try apply(valves[input].channelFinished(localIndex[channel]), input: input)
                    open -= 1
                    try perform(aligner.endOfPartition(channel: channel))
                }
                try maybeFlushOnTimeout()
            }
            try fireTimers()
        }
    }

    func finishChain() throws {
        for op in operators {
            do { try op.finish() } catch { throw attributed(op.name, error) }
        }
        try flushOutputs()
        for writer in writers { try writer.broadcastEvent(.endOfPartition) }
    }

    func closeChain() throws {
        for op in operators {
            do { try op.close() } catch { throw attributed(op.name, error) }
        }
        processingTime.clear()
    }

    // MARK: Helpers

    func fireTimers() throws {
        guard let next = processingTime.nextTime else { return }
        let now = processingTime.currentTime()
        if next <= now { try processingTime.fireDue(now: now) }
    }

    func flushOutputs() throws {
        for op in operators {
            do { try op.flush() } catch { throw attributed(op.name, error) }
        }
        for writer in writers { try writer.flushAll() }
        lastFlush = processingTime.currentTime()
    }

    @exclusivity(unchecked) var flushCheck = 0
    func maybeFlushOnTimeout() throws {
        flushCheck &+= 1
        guard flushCheck & 63 == 0 else { return }
        if processingTime.currentTime() - lastFlush >= bufferTimeoutMillis { try flushOutputs() }
    }

    func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// Time this task's writers spent blocked on full channels, in nanoseconds.
    @usableFromInline package var backPressuredNanos: UInt64 { metrics.backPressuredNanos }
}
