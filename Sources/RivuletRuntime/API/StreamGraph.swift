// The StreamGraph: one node per transformation with its operator factory, and the edges.

import RivuletCore

/// Builds an operator instance for one subtask: given its context and its `Output<Out>`
/// (as Any), returns the runtime closures.
public typealias OperatorFactory = @Sendable (OperatorContext, Any) throws -> OperatorRuntime

/// One transformation with everything needed to instantiate it.
public struct StreamNode: Sendable {
    public var shape: StreamNodeShape
    public let factory: OperatorFactory
    /// The main output's record type.
    public let outputType: RecordType
    /// Side outputs this node can emit, by tag id.
    public var sideOutputTypes: [String: RecordType] = [:]
}

/// One edge, with the key-group function when it is a hash edge.
public struct StreamGraphEdge: Sendable {
    public var shape: StreamEdgeShape
    /// `@Sendable (T) -> Int` key group of a record, for hash edges.
    public let keyGroupOf: (any Sendable)?
}

/// The whole StreamGraph of a job, as built by `StreamExecutionEnvironment`.
public struct StreamGraph: Sendable {
    public var jobName: String
    public var nodes: [StreamNode]
    public var edges: [StreamGraphEdge]
    public var configuration: Configuration

    /// The shape the JobGraph generator translates.
    public var topology: StreamGraphTopology {
        StreamGraphTopology(jobName: jobName, nodes: nodes.map(\.shape), edges: edges.map(\.shape))
    }

    /// The graph validated, with implicit forward edges between operators of different
    /// parallelism turned into rebalance (what the JobGraph and the tasks use).
    public func normalized() throws -> StreamGraph {
        let topology = try JobGraphGenerator.normalize(self.topology)
        var result = self
        for i in result.edges.indices { result.edges[i].shape = topology.edges[i] }
        return result
    }

    /// The node with this id.
    public func node(_ id: Int) -> StreamNode? {
        nodes.indices.contains(id) && nodes[id].shape.id == id ? nodes[id] : nodes.first { $0.shape.id == id }
    }

    /// Edges leaving `node`, in creation order.
    public func outEdges(of node: Int) -> [StreamGraphEdge] { edges.filter { $0.shape.source == node } }
}
