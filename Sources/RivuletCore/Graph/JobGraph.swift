// The JobGraph: chained vertices and the edges between them; a serializable value.

/// One vertex of the JobGraph: a chain of operators that runs as one task per subtask.
public struct JobVertex: Sendable, Hashable, Codable {
    /// Dense vertex id (index into `JobGraph.vertices`).
    public var id: Int
    /// Display name: the chained operator names joined by " -> ".
    public var name: String
    public var parallelism: Int
    public var maxParallelism: Int
    /// Stream node ids of the chain, head first, in topological order.
    public var operatorIDs: [Int]
    /// Operator uids of the chain (same order), used to match state.
    public var operatorUIDs: [String]
    /// Edges inside the chain (source and target both in `operatorIDs`).
    public var chainedEdges: [StreamEdgeShape]
    /// True when the head operator is a source.
    public var isSource: Bool

    /// The chain's head operator.
    public var headOperatorID: Int { operatorIDs[0] }
}

/// An edge between two vertices.
public struct JobEdge: Sendable, Hashable, Codable {
    public var sourceVertex: Int
    public var targetVertex: Int
    /// The stream edge it carries (its node ids name the producing and consuming operators).
    public var streamEdge: StreamEdgeShape
}

/// The JobGraph: what a JobMaster schedules and a TaskManager instantiates.
public struct JobGraph: Sendable, Hashable, Codable {
    public var jobName: String
    public var vertices: [JobVertex]
    public var edges: [JobEdge]
    /// A fingerprint of the topology (names, uids, parallelism, partitioning): a
    /// TaskManager that rebuilds the graph from the same builder must get the same value.
    public var fingerprint: String

    /// Total number of subtasks (tasks) of the job.
    public var taskCount: Int { vertices.reduce(0) { $0 + $1.parallelism } }
}
