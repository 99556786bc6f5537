// The shape of a StreamGraph (nodes, edges, parallelism, chaining flags) without user code.

/// One transformation of a job, as the graph generator sees it.
public struct StreamNodeShape: Sendable, Hashable, Codable {
    /// Dense id, in the order the job created the transformations.
    public var id: Int
    /// The operator's name, shown in errors and the UI.
    public var name: String
    /// A stable user-given id (matches state on restore); nil means derived from the position.
    public var uid: String?
    /// Number of parallel subtasks.
    public var parallelism: Int
    /// Number of key groups, fixed for the life of the job's state.
    public var maxParallelism: Int
    /// False when the user called `disableChaining()` on this node.
    public var chainingAllowed: Bool
    /// True for sources (nodes without inputs).
    public var isSource: Bool
    /// True when the operator reads keyed state (it must sit behind a hash edge).
    public var usesKeyedState: Bool

    public init(
        id: Int, name: String, uid: String? = nil, parallelism: Int, maxParallelism: Int,
        chainingAllowed: Bool = true, isSource: Bool = false, usesKeyedState: Bool = false
    ) {
        self.id = id
        self.name = name
        self.uid = uid
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.chainingAllowed = chainingAllowed
        self.isSource = isSource
        self.usesKeyedState = usesKeyedState
    }
}

/// One edge between two transformations.
public struct StreamEdgeShape: Sendable, Hashable, Codable {
    /// Producing node id.
    public var source: Int
    /// Consuming node id.
    public var target: Int
    /// How records are distributed.
    public var partitioning: Partitioning
    /// Which input of a two-input operator this edge feeds (0 or 1); 0 otherwise.
    public var inputIndex: Int
    /// The side output this edge reads, or nil for the main output.
    public var sideOutputTag: String?
    /// True when the user asked for this partitioning explicitly (an explicit forward
    /// with unequal parallelism is an error; an implicit one becomes rebalance).
    public var explicitPartitioning: Bool

    public init(
        source: Int, target: Int, partitioning: Partitioning, inputIndex: Int = 0,
        sideOutputTag: String? = nil, explicitPartitioning: Bool = false
    ) {
        self.source = source
        self.target = target
        self.partitioning = partitioning
        self.inputIndex = inputIndex
        self.sideOutputTag = sideOutputTag
        self.explicitPartitioning = explicitPartitioning
    }
}

/// The whole StreamGraph shape: what `JobGraphGenerator` translates.
public struct StreamGraphTopology: Sendable, Hashable, Codable {
    public var jobName: String
    public var nodes: [StreamNodeShape]
    public var edges: [StreamEdgeShape]

    public init(jobName: String, nodes: [StreamNodeShape], edges: [StreamEdgeShape]) {
        self.jobName = jobName
        self.nodes = nodes
        self.edges = edges
    }

    /// Edges leaving `node`, in creation order.
    public func outEdges(of node: Int) -> [StreamEdgeShape] { edges.filter { $0.source == node } }
    /// Edges entering `node`, in creation order.
    public func inEdges(of node: Int) -> [StreamEdgeShape] { edges.filter { $0.target == node } }
}
