// StreamGraph -> JobGraph: validation and operator chaining (Flink's StreamingJobGraphGenerator).

/// Translates a `StreamGraphTopology` into a `JobGraph`, chaining operators where allowed.
public enum JobGraphGenerator {

    /// Validates the topology and builds the JobGraph.
    public static func createJobGraph(_ graph: StreamGraphTopology) throws -> JobGraph {
        let topology = try normalize(graph)
        let order = try topologicalOrder(topology)
        var chainHead: [Int: Int] = [:]  // node -> head node of its chain
        var chains: [Int: [Int]] = [:]  // head -> members in topological order
        var headsInOrder: [Int] = []
        for node in order {
            let ins = topology.inEdges(of: node)
            if ins.count == 1, isChainable(ins[0], in: topology), let head = chainHead[ins[0].source] {
                chainHead[node] = head
                chains[head, default: []].append(node)
            } else {
                chainHead[node] = node
                chains[node] = [node]
                headsInOrder.append(node)
            }
        }
        let nodesByID = Dictionary(uniqueKeysWithValues: topology.nodes.map { ($0.id, $0) })
        var vertexOf: [Int: Int] = [:]
        var vertices: [JobVertex] = []
        for head in headsInOrder {
            let members = chains[head] ?? [head]
            let id = vertices.count
            for m in members { vertexOf[m] = id }
            let memberSet = Set(members)
            guard let headNode = nodesByID[head] else { continue }  // every head is a node of the topology
            vertices.append(
                JobVertex(
                    id: id,
                    name: members.compactMap { nodesByID[$0]?.name }.joined(separator: " -> "),
                    parallelism: headNode.parallelism,
                    maxParallelism: headNode.maxParallelism,
                    operatorIDs: members,
                    operatorUIDs: members.compactMap { nodesByID[$0].map(uid(of:)) },
                    chainedEdges: topology.edges.filter { memberSet.contains($0.source) && memberSet.contains($0.target) },
                    isSource: headNode.isSource))
        }
        var jobEdges: [JobEdge] = []
        for edge in topology.edges {
            guard let s = vertexOf[edge.source], let t = vertexOf[edge.target], s != t else { continue }
            jobEdges.append(JobEdge(sourceVertex: s, targetVertex: t, streamEdge: edge))
        }
        return JobGraph(
            jobName: topology.jobName, vertices: vertices, edges: jobEdges,
            fingerprint: fingerprint(topology))
    }

    /// An edge is chainable when it is forward, both ends allow chaining, parallelism is
    /// equal and the target has only this input (Flink's `isChainable`).
    public static func isChainable(_ edge: StreamEdgeShape, in topology: StreamGraphTopology) -> Bool {
        guard edge.partitioning == .forward,
            let s = topology.nodes.first(where: { $0.id == edge.source }),
            let t = topology.nodes.first(where: { $0.id == edge.target })
        else { return false }
        return s.chainingAllowed && t.chainingAllowed && !t.isSource
            && s.parallelism == t.parallelism
            && topology.inEdges(of: t.id).count == 1
    }

    /// The uid used to match an operator's state: the user's uid or one derived from its position.
    public static func uid(of node: StreamNodeShape) -> String {
        node.uid ?? "auto-\(node.id)-\(node.name)"
    }

    /// Checks the rules and turns implicit forward edges with unequal parallelism into rebalance.
    /// Edges keep their order, so callers can map the result back onto their own graph.
    public static func normalize(_ graph: StreamGraphTopology) throws -> StreamGraphTopology {
        guard !graph.nodes.isEmpty else { throw JobGraphError.emptyJob(job: graph.jobName) }
        var byUID: [String: [String]] = [:]
        for node in graph.nodes {
            if node.parallelism < 1 || node.maxParallelism < 1 || node.maxParallelism > 32768
                || node.parallelism > node.maxParallelism
            {
                throw JobGraphError.invalidParallelism(
                    operator: node.name, parallelism: node.parallelism,
                    maxParallelism: node.maxParallelism)
            }
            if let uid = node.uid { byUID[uid, default: []].append(node.name) }
        }
        if let (uid, names) = byUID.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count > 1 }) {
            throw JobGraphError.duplicateUID(uid: uid, operators: names)
        }
        let nodesByID = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0) })
        var result = graph
        for i in result.edges.indices {
            let e = result.edges[i]
            guard let s = nodesByID[e.source], let t = nodesByID[e.target] else { continue }
            if e.partitioning == .forward && s.parallelism != t.parallelism {
                if e.explicitPartitioning {
                    throw JobGraphError.forwardParallelismMismatch(
                        from: s.name, fromParallelism: s.parallelism,
                        to: t.name, toParallelism: t.parallelism)
                }
                result.edges[i].partitioning = .rebalance
            }
        }
        for node in graph.nodes where node.usesKeyedState {
            let ins = result.inEdges(of: node.id)
            if ins.isEmpty || ins.contains(where: { $0.partitioning != .hash }) {
                throw JobGraphError.keyedStateWithoutKeyBy(operator: node.name)
            }
        }
        return result
    }

    /// Kahn's algorithm, ties broken by node id so the order is deterministic.
    static func topologicalOrder(_ graph: StreamGraphTopology) throws -> [Int] {
        var indegree: [Int: Int] = [:]
        for n in graph.nodes { indegree[n.id] = 0 }
        for e in graph.edges { indegree[e.target, default: 0] += 1 }
        var ready = graph.nodes.map(\.id).filter { indegree[$0] == 0 }.sorted()
        var order: [Int] = []
        while !ready.isEmpty {
            let n = ready.removeFirst()
            order.append(n)
            for e in graph.edges where e.source == n {
                indegree[e.target, default: 0] -= 1
                if indegree[e.target] == 0 {
                    ready.append(e.target)
                    ready.sort()
                }
            }
        }
        guard order.count == graph.nodes.count else { throw JobGraphError.cycle(job: graph.jobName) }
        return order
    }

    /// FNV-1a over a canonical text of the topology, as 16 hex digits.
    static func fingerprint(_ graph: StreamGraphTopology) -> String {
        var text = ""
        for n in graph.nodes {
            text += "n\(n.id)|\(n.name)|\(uid(of: n))|\(n.parallelism)|\(n.maxParallelism)|\(n.chainingAllowed);"
        }
        for e in graph.edges {
            text += "e\(e.source)>\(e.target)|\(e.partitioning.rawValue)|\(e.inputIndex)|\(e.sideOutputTag ?? "");"
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
