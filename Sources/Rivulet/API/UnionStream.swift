// union(): several streams of one type feeding one logical input.

/// Builds the union of streams: a pass-through node with one input edge per stream.
enum UnionStream {
    static func make<T: Sendable>(_ first: DataStream<T>, _ others: [DataStream<T>]) -> DataStream<T> {
        let env = first.environment
        let id = env.addNode(name: "Union", outputType: RecordType(T.self)) { ctx, out in
            PassThroughOperator<T>(output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
        }
        for input in [first] + others {
            var edgeInput = input
            if edgeInput.partitioning == .forward && !edgeInput.explicitPartitioning {
                // A union has several inputs, so it can never chain: keep forward only when the
                // parallelism allows it (the generator turns it into rebalance otherwise).
                edgeInput = DataStream(environment: env, nodeID: input.nodeID, partitioning: .forward,
                                       sideOutputTag: input.sideOutputTag, keyGroupOf: input.keyGroupOf)
            }
            env.addEdge(from: edgeInput, to: id)
        }
        return DataStream(environment: env, nodeID: id)
    }
}

/// Forwards every record unchanged (the union node).
final class PassThroughOperator<T: Sendable>: OneInputStreamOperator {
    let output: Output<T>

    init(output: Output<T>) {
        self.output = output
    }

    func processElement(_ value: T, timestamp: Int64) throws {
        try output.record(value, timestamp)
    }
}
