// What the JobMaster sends a TaskManager to deploy one subtask (Flink's
// TaskDeploymentDescriptor): enough to rebuild the job from the catalog and wire the subtask.

import Foundation
import RivuletRuntime
import RivuletCore

/// Where one subtask of a run runs: its TaskManager and that TaskManager's data address.
public struct TaskLocation: Codable, Sendable, Hashable {
    public var resourceID: String
    public var host: String
    public var dataPort: Int

    public init(resourceID: String, host: String, dataPort: Int) {
        self.resourceID = resourceID
        self.host = host
        self.dataPort = dataPort
    }
}

/// The state a run restores: a checkpoint or savepoint directory (the one holding `_metadata`).
public struct RestoreSource: Codable, Sendable, Hashable {
    public var directory: String
    /// Savepoints must match the job strictly; a job's own checkpoints may drop state of
    /// operators that no longer exist.
    public var strict: Bool

    public init(directory: String, strict: Bool) {
        self.directory = directory
        self.strict = strict
    }
}

/// The deployment of one subtask.
public struct TaskDescriptor: Codable, Sendable {
    public static let version = 1
    public var version = TaskDescriptor.version
    public var jobID: String
    /// The catalog name of the job and its arguments: the TaskManager rebuilds the job.
    public var jobName: String
    public var arguments: [String]
    /// The job's configuration values (cluster defaults and the submission's overrides).
    public var configuration: [String: String]
    /// The JobGraph fingerprint the TaskManager's rebuilt graph must match.
    public var fingerprint: String
    public var attempt: Int
    public var vertex: Int
    public var subtask: Int
    /// The key groups the subtask owns (first, last), for keyed vertices.
    public var keyGroups: [Int]
    /// `placement[vertex][subtask]`: where every subtask of the run runs.
    public var placement: [[TaskLocation]]
    public var restore: RestoreSource?
    /// Where the job's checkpoints go (empty when it does not checkpoint).
    public var checkpointDirectory: String

    public init(
        jobID: String, jobName: String, arguments: [String], configuration: [String: String], fingerprint: String,
        attempt: Int, vertex: Int, subtask: Int, keyGroups: [Int], placement: [[TaskLocation]],
        restore: RestoreSource?, checkpointDirectory: String
    ) {
        self.jobID = jobID
        self.jobName = jobName
        self.arguments = arguments
        self.configuration = configuration
        self.fingerprint = fingerprint
        self.attempt = attempt
        self.vertex = vertex
        self.subtask = subtask
        self.keyGroups = keyGroups
        self.placement = placement
        self.restore = restore
        self.checkpointDirectory = checkpointDirectory
    }

    public func encoded() throws -> Data {
        Data(try encodeCodable(self))
    }

    public static func decode(_ data: Data) throws -> TaskDescriptor {
        let descriptor = try decodeCodable(TaskDescriptor.self, from: [UInt8](data))
        guard descriptor.version == version else {
            throw ClusterError("task descriptor version \(descriptor.version) is not supported (this TaskManager reads version \(version))")
        }
        return descriptor
    }
}

/// A job rebuilt from the catalog: the same code path on the JobManager and every TaskManager.
public struct BuiltJob: Sendable {
    public let graph: StreamGraph
    public let jobGraph: JobGraph

    /// Runs the catalog builder of `name` with `arguments` under `configuration`.
    public static func build(catalog: JobCatalog, name: String, arguments: [String], configuration: [String: String]) throws -> BuiltJob {
        let definition = try catalog.job(named: name)
        let config = try Configuration(configuration, schema: .cluster)
        let parsed = try JobArguments(jobName: name, arguments: arguments, parameters: definition.parameters)
        let env = StreamExecutionEnvironment(configuration: config)
        try definition.build(env, parsed)
        let display = env.configuration[PipelineOptions.name]
        let graph = try env.streamGraph(jobName: display.isEmpty ? name : display).normalized()
        let jobGraph = try JobGraphGenerator.createJobGraph(graph.topology)
        return BuiltJob(graph: graph, jobGraph: jobGraph)
    }
}
