// The entry point of a job: creates sources, holds the StreamGraph under construction, executes.

import Foundation
import RivuletCore

/// Builds a streaming job and runs it (Flink's StreamExecutionEnvironment). Used on one
/// thread while the job is built.
public final class StreamExecutionEnvironment {
    public private(set) var configuration: Configuration
    /// Parallelism of operators that do not set their own.
    public var parallelism: Int
    /// Key groups of keyed operators.
    public let maxParallelism: Int
    /// How often periodic watermark generators emit, in milliseconds.
    public var autoWatermarkIntervalMillis: Int64
    @usableFromInline var nodes: [StreamNode] = []
    @usableFromInline var edges: [StreamGraphEdge] = []

    public init(configuration: Configuration = .defaults) {
        self.configuration = configuration
        self.parallelism = configuration[PipelineOptions.parallelism]
        self.maxParallelism = configuration[PipelineOptions.maxParallelism]
        self.autoWatermarkIntervalMillis = configuration[PipelineOptions.autoWatermarkInterval].milliseconds
    }

    /// Sets the default parallelism and returns the environment.
    @discardableResult
    public func setParallelism(_ parallelism: Int) -> StreamExecutionEnvironment {
        self.parallelism = parallelism
        return self
    }

    // MARK: Sources

    /// A stream from a `Source`.
    @inlinable
    public func fromSource<S: Source>(_ source: S, name: String = "Source") -> DataStream<S.Reader.Output> {
        let id = addNode(
            name: name, outputType: RecordType(S.Reader.Output.self), isSource: true,
            parallelism: min(parallelism, source.maxSourceParallelism ?? Int.max)
        ) { ctx, out in
            let output: Output<S.Reader.Output> = try castOutput(out, ctx)
            let reader = try source.createReader(subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism)
            return SourceOperator(reader: reader, context: ctx, output: output).makeRuntime(name: ctx.operatorName)
        }
        return DataStream(environment: self, nodeID: id)
    }

    /// The elements of an array, in order per subtask (parallelism 1 unless changed).
    @inlinable
    public func fromCollection<T: Sendable>(_ elements: [T]) -> DataStream<T> {
        let stream = fromSource(CollectionSource(elements), name: "Collection Source")
        return stream.setParallelism(1)
    }

    /// The integers `from...to`, split across the source's subtasks.
    public func fromSequence(_ from: Int, _ to: Int) -> DataStream<Int> {
        fromSource(SequenceSource(from: from, to: to), name: "Sequence Source")
    }

    /// The lines of a text file; throws at once when the file cannot be read.
    public func readTextFile(_ path: String) throws -> DataStream<String> {
        try checkReadable(path)
        return fromSource(TextFileSource(path: path), name: "Text File Source")
    }

    /// The lines of a file, each parsed by `parse` (a CSV row into a record); throws at once
    /// when the file cannot be read. A line that does not parse fails the job with the file,
    /// the byte offset and the parser's error.
    public func readFile<T: Sendable>(_ path: String, name: String, parse: @escaping LineParser<T>) throws -> DataStream<T> {
        try checkReadable(path)
        return fromSource(LineFileSource(path: path, parse: parse), name: name)
    }

    /// Throws, naming the path, unless it is a readable file.
    func checkReadable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConnectorError("input file '\(path)' does not exist")
        }
        guard !isDirectory.boolValue else { throw ConnectorError("input '\(path)' is a directory, not a file") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConnectorError("input file '\(path)' is not readable")
        }
    }

    /// The lines a TCP server sends; ends when the server closes the connection.
    public func socketTextStream(host: String, port: Int) -> DataStream<String> {
        fromSource(SocketTextSource(host: host, port: port), name: "Socket Source")
    }

    /// Generated records: `generate(index, rng)` for index 0..<count (nil: unbounded), at most
    /// `recordsPerSecond` over all subtasks (nil: as fast as possible).
    @inlinable
    public func generate<T: Sendable>(
        count: Int64?, recordsPerSecond: Double? = nil, seed: UInt64 = 42,
        _ generate: @escaping @Sendable (Int64, inout SplitMix64) -> T
    ) -> DataStream<T> {
        fromSource(
            DataGeneratorSource(count: count, recordsPerSecond: recordsPerSecond, seed: seed, generate: generate),
            name: "Data Generator")
    }

    // MARK: Graph construction

    /// Adds a node; returns its id.
    public func addNode(
        name: String, outputType: RecordType, isSource: Bool = false, parallelism: Int? = nil,
        usesKeyedState: Bool = false, factory: @escaping OperatorFactory
    ) -> Int {
        let id = nodes.count
        let shape = StreamNodeShape(
            id: id, name: name, parallelism: parallelism ?? self.parallelism,
            maxParallelism: maxParallelism, isSource: isSource, usesKeyedState: usesKeyedState)
        nodes.append(StreamNode(shape: shape, factory: factory, outputType: outputType))
        return id
    }

    /// Connects `input`'s producer to node `target` with the input's partitioning.
    public func addEdge<T>(from input: DataStream<T>, to target: Int, inputIndex: Int = 0) {
        edges.append(
            StreamGraphEdge(
                shape: StreamEdgeShape(
                    source: input.nodeID, target: target, partitioning: input.partitioning,
                    inputIndex: inputIndex, sideOutputTag: input.sideOutputTag,
                    explicitPartitioning: input.explicitPartitioning),
                keyGroupOf: input.keyGroupOf))
    }

    /// Declares that node `id` can emit side output `tag` of type `type`.
    public func declareSideOutput(node id: Int, tag: String, type: RecordType) {
        nodes[id].sideOutputTypes[tag] = type
    }

    func updateNode(_ id: Int, _ change: (inout StreamNodeShape) -> Void) {
        change(&nodes[id].shape)
    }

    func shape(of id: Int) -> StreamNodeShape { nodes[id].shape }

    // MARK: Execution

    /// The StreamGraph built so far.
    public func streamGraph(jobName: String) -> StreamGraph {
        StreamGraph(jobName: jobName, nodes: nodes, edges: edges, configuration: configuration)
    }

    /// Takes a checkpoint every `interval` into `directory` (Flink's enableCheckpointing plus
    /// `state.checkpoints.dir`): keyed state, source positions and pending sink output become
    /// recoverable, and a failed task restarts the job from the latest checkpoint.
    @discardableResult
    public func enableCheckpointing(
        _ interval: Duration, directory: String,
        mode: CheckpointingMode = .exactlyOnce
    ) throws -> StreamExecutionEnvironment {
        configuration =
            try configuration
            .setting(CheckpointingOptions.interval, to: .milliseconds(max(1, interval.milliseconds)))
            .setting(CheckpointingOptions.directory, to: directory)
            .setting(CheckpointingOptions.mode, to: mode)
        return self
    }

    /// Sets one configuration key (validated like `-D key=value`).
    @discardableResult
    public func set(_ key: String, _ value: String) throws -> StreamExecutionEnvironment {
        configuration = try configuration.setting(key, to: value)
        return self
    }
}

/// Casts the factory's `Output` argument to its concrete type.
@inlinable
public func castOutput<T>(_ output: Any, _ context: OperatorContext) throws -> Output<T> {
    guard let typed = output as? Output<T> else {
        throw RuntimeInvariantError("operator '\(context.operatorName)' got an output of the wrong type (expected \(T.self))")
    }
    return typed
}
