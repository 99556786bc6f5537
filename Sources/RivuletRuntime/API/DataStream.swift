// A typed stream of records and its transformations (Flink's DataStream / SingleOutputStreamOperator).

import RivuletCore

/// A stream of `T`. Transformations add nodes to the environment's StreamGraph; settings such
/// as `setParallelism`, `name` and `uid` apply to the operator that produces this stream.
public struct DataStream<T: Sendable> {
    public let environment: StreamExecutionEnvironment
    /// The producing node.
    public let nodeID: Int
    /// Partitioning of the edge to the next operator.
    public let partitioning: Partitioning
    public let explicitPartitioning: Bool
    /// Set when this stream is a side output of its node.
    public let sideOutputTag: String?
    /// `@Sendable (T) -> Int` key group of a record, when keyed.
    public let keyGroupOf: (any Sendable)?

    public init(
        environment: StreamExecutionEnvironment, nodeID: Int, partitioning: Partitioning = .forward,
        explicitPartitioning: Bool = false, sideOutputTag: String? = nil, keyGroupOf: (any Sendable)? = nil
    ) {
        self.environment = environment
        self.nodeID = nodeID
        self.partitioning = partitioning
        self.explicitPartitioning = explicitPartitioning
        self.sideOutputTag = sideOutputTag
        self.keyGroupOf = keyGroupOf
    }

    // MARK: Operator settings

    /// Runs the producing operator with `parallelism` subtasks.
    @discardableResult
    public func setParallelism(_ parallelism: Int) -> DataStream<T> {
        environment.updateNode(nodeID) { $0.parallelism = parallelism }
        return self
    }

    /// Names the producing operator (shown in errors and the UI).
    @discardableResult
    public func name(_ name: String) -> DataStream<T> {
        environment.updateNode(nodeID) { $0.name = name }
        return self
    }

    /// Gives the producing operator a stable id, used to match its state on restore.
    @discardableResult
    public func uid(_ uid: String) -> DataStream<T> {
        environment.updateNode(nodeID) { $0.uid = uid }
        return self
    }

    /// Keeps the producing operator out of any chain.
    @discardableResult
    public func disableChaining() -> DataStream<T> {
        environment.updateNode(nodeID) { $0.chainingAllowed = false }
        return self
    }

    /// The parallelism of the producing operator.
    public var parallelism: Int { environment.shape(of: nodeID).parallelism }

    // MARK: Partitioning

    /// Round-robin to all subtasks of the next operator.
    public func rebalance() -> DataStream<T> { repartitioned(.rebalance) }
    /// Every record to every subtask of the next operator.
    public func broadcast() -> DataStream<T> { repartitioned(.broadcast) }
    /// Subtask i to subtask i (needs equal parallelism).
    public func forward() -> DataStream<T> { repartitioned(.forward) }

    func repartitioned(_ p: Partitioning) -> DataStream<T> {
        DataStream(
            environment: environment, nodeID: nodeID, partitioning: p, explicitPartitioning: true,
            sideOutputTag: sideOutputTag)
    }

    // MARK: Transformations

    /// Adds a one-input operator fed by this stream.
    @inlinable
    public func transform<R: Sendable>(
        _ name: String, usesKeyedState: Bool = false,
        _ factory: @escaping OperatorFactory, outputType: RecordType
    ) -> DataStream<R> {
        let id = environment.addNode(name: name, outputType: outputType, usesKeyedState: usesKeyedState, factory: factory)
        environment.addEdge(from: self, to: id)
        return DataStream<R>(environment: environment, nodeID: id)
    }

    /// One result per element.
    @inlinable
    public func map<R: Sendable>(_ function: @escaping @Sendable (T) throws -> R) -> DataStream<R> {
        transform(
            "Map",
            { ctx, out in
                StreamMap(function, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(R.self))
    }

    /// The elements for which `predicate` is true.
    @inlinable
    public func filter(_ predicate: @escaping @Sendable (T) throws -> Bool) -> DataStream<T> {
        transform(
            "Filter",
            { ctx, out in
                StreamFilter(predicate, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(T.self))
    }

    /// Any number of results per element, emitted through the collector.
    @inlinable
    public func flatMap<R: Sendable>(_ function: @escaping @Sendable (T, Collector<R>) throws -> Void) -> DataStream<R> {
        transform(
            "Flat Map",
            { ctx, out in
                StreamFlatMap(function, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(R.self))
    }

    /// The elements of a sequence returned per element.
    @inlinable
    public func flatMap<S: Sequence & SendableMetatype>(_ function: @escaping @Sendable (T) throws -> S) -> DataStream<S.Element>
    where S.Element: Sendable, S.Iterator: SendableMetatype {
        flatMap { (value: T, out: Collector<S.Element>) in
            for element in try function(value) { try out.collect(element) }
        }
    }

    /// Runs a `ProcessFunction`; `makeFunction` creates one instance per subtask.
    @inlinable
    public func process<F: ProcessFunction>(_ makeFunction: @escaping @Sendable () -> F) -> DataStream<F.Output> where F.Input == T {
        transform(
            "Process",
            { ctx, out in
                ProcessOperator(makeFunction(), operatorContext: ctx, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(F.Output.self))
    }

    /// Partitions by key: records with equal keys go to the same subtask and share keyed state.
    @inlinable
    public func keyBy<K: StreamKey>(_ key: @escaping @Sendable (T) -> K) -> KeyedStream<T, K> {
        KeyedStream(input: self, key: key)
    }

    /// Assigns event timestamps and generates watermarks.
    @inlinable
    public func assignTimestampsAndWatermarks(_ strategy: WatermarkStrategy<T>) -> DataStream<T> {
        transform(
            "Timestamps/Watermarks",
            { ctx, out in
                TimestampsAndWatermarksOperator(strategy: strategy, context: ctx, output: try castOutput(out, ctx))
                    .makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(T.self))
    }

    /// This stream and `others` as one stream (same type).
    @inlinable
    public func union(_ others: DataStream<T>...) -> DataStream<T> {
        let id = environment.addNode(name: "Union", outputType: RecordType(T.self)) { ctx, out in
            PassThroughOperator<T>(output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
        }
        for input in [self] + others { environment.addEdge(from: input, to: id) }
        return DataStream(environment: environment, nodeID: id)
    }

    /// Two streams of possibly different types, processed together.
    public func connect<U>(_ other: DataStream<U>) -> ConnectedStreams<T, U> {
        ConnectedStreams(first: self, second: other)
    }

    /// The records the producing operator emitted to side output `tag`.
    @inlinable
    public func getSideOutput<X: Sendable>(_ tag: OutputTag<X>) -> DataStream<X> {
        environment.declareSideOutput(node: nodeID, tag: tag.id, type: RecordType(X.self))
        return DataStream<X>(environment: environment, nodeID: nodeID, sideOutputTag: tag.id)
    }

    // MARK: Sinks

    /// Sends every record to `sink`.
    @inlinable
    @discardableResult
    public func sinkTo<S: Sink>(_ sink: S, name: String = "Sink") -> DataStream<Never> where S.Writer.Input == T {
        transform(
            name,
            { ctx, out in
                let writer = try sink.createWriter(subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism)
                return SinkOperator(writer: writer, context: ctx, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(Never.self))
    }

    /// Sends every record to a two-phase-commit sink: with checkpointing, its output becomes
    /// visible exactly once, when the checkpoint that covers it completes.
    @inlinable
    @discardableResult
    public func sinkTo<S: Sink>(_ sink: S, name: String = "Sink") -> DataStream<Never>
    where S.Writer.Input == T, S.Writer: TwoPhaseCommittingSinkWriter {
        transform(
            name,
            { ctx, out in
                let writer = try sink.createWriter(subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism)
                return TwoPhaseCommitSinkOperator(writer: writer, context: ctx, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(Never.self))
    }

    /// Prints each record on standard output.
    @inlinable
    @discardableResult
    public func print(prefix: String? = nil) -> DataStream<Never> {
        sinkTo(PrintSink<T>(prefix: prefix), name: "Print Sink")
    }

    /// Writes each record as a line into `directory/part-<subtask>`.
    @inlinable
    @discardableResult
    public func writeAsText(_ directory: String) -> DataStream<Never> {
        sinkTo(TextFileSink<T>(directory: directory), name: "Text File Sink")
    }

    /// Collects every record into `target` (for tests and small results).
    @inlinable
    @discardableResult
    public func collect(into target: CollectedValues<T>) -> DataStream<Never> {
        sinkTo(CollectSink(into: target), name: "Collect Sink")
    }

    /// Drops every record, counting them into `counter`.
    @inlinable
    @discardableResult
    public func discard(counter: DiscardCounter = DiscardCounter()) -> DataStream<Never> {
        sinkTo(DiscardSink<T>(counter: counter), name: "Discard Sink")
    }
}
