// Which producer subtask feeds which input channel of which consumer subtask: the wiring of a
// JobGraph's edges, computed the same way by every TaskManager (`TaskJobRun`), so producers and
// consumers on different TaskManagers agree on channel indices.

import RivuletCore

/// The channels of a JobGraph. A consumer subtask's channels are numbered in a fixed order
/// (edge by edge, producer by producer), so a TaskManager that wires only its own subtasks
/// agrees with every other TaskManager on each channel's index.
@usableFromInline package struct ChannelPlan: Sendable {
    /// One input channel of a consumer subtask.
    @usableFromInline package struct Source: Sendable, Hashable {
        /// Index of the edge in `JobGraph.edges`.
        @usableFromInline package let edge: Int
        /// The producing subtask.
        @usableFromInline package let producer: Int
        /// The logical input (0 or 1) the channel feeds.
        @usableFromInline package let input: Int
    }

    /// `inputs[vertex][subtask]`: the subtask's input channels in channel order.
    @usableFromInline package let inputs: [[[Source]]]
    /// `channel[edge][producer][consumer]`: the channel index at the consumer.
    private let channel: [[[Int: Int]]]

    @usableFromInline package init(_ jobGraph: JobGraph) {
        var inputs: [[[Source]]] = jobGraph.vertices.map { Array(repeating: [], count: $0.parallelism) }
        var channel: [[[Int: Int]]] = []
        for (edgeIndex, edge) in jobGraph.edges.enumerated() {
            let producer = jobGraph.vertices[edge.sourceVertex], consumer = jobGraph.vertices[edge.targetVertex]
            var byProducer = Array(repeating: [Int: Int](), count: producer.parallelism)
            for c in 0..<consumer.parallelism {
                for p in 0..<producer.parallelism where edge.streamEdge.partitioning.connects(producer: p, consumer: c) {
                    byProducer[p][c] = inputs[consumer.id][c].count
                    inputs[consumer.id][c].append(Source(edge: edgeIndex, producer: p, input: edge.streamEdge.inputIndex))
                }
            }
            channel.append(byProducer)
        }
        self.inputs = inputs
        self.channel = channel
    }

    /// The consumers that producer subtask `producer` of edge `edge` feeds, in consumer order,
    /// with the channel index at each.
    @usableFromInline package func consumers(edge: Int, producer: Int) -> [(consumer: Int, channel: Int)] {
        channel[edge][producer].sorted { $0.key < $1.key }.map { (consumer: $0.key, channel: $0.value) }
    }
}
