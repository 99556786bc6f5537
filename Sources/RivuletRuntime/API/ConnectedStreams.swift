// Two streams processed by one two-input operator (connect + CoProcessFunction).

/// Two connected (non-keyed) streams.
public struct ConnectedStreams<A: Sendable, B: Sendable> {
    public let first: DataStream<A>
    public let second: DataStream<B>

    /// Runs a `CoProcessFunction`; `makeFunction` creates one instance per subtask.
    @inlinable
    public func process<F: CoProcessFunction>(_ makeFunction: @escaping @Sendable () -> F) -> DataStream<F.Output>
    where F.Input1 == A, F.Input2 == B {
        let env = first.environment
        let id = env.addNode(name: "Co-Process", outputType: RecordType(F.Output.self)) { ctx, out in
            CoProcessOperator(makeFunction(), operatorContext: ctx, output: try castOutput(out, ctx)).makeRuntime(name: ctx.operatorName)
        }
        env.addEdge(from: first, to: id, inputIndex: 0)
        env.addEdge(from: second, to: id, inputIndex: 1)
        return DataStream(environment: env, nodeID: id)
    }
}

/// Two streams keyed by the same key type: both inputs share keyed state and timers.
public struct KeyedConnectedStreams<A: Sendable, B: Sendable, K: StreamKey> {
    public let first: KeyedStream<A, K>
    public let second: KeyedStream<B, K>

    /// Runs a `KeyedCoProcessFunction`; `makeFunction` creates one instance per subtask.
    @inlinable
    public func process<F: KeyedCoProcessFunction>(_ makeFunction: @escaping @Sendable () -> F) -> DataStream<F.Output>
    where F.Input1 == A, F.Input2 == B, F.Key == K {
        let env = first.input.environment
        let key1 = first.key, key2 = second.key
        let id = env.addNode(name: "Keyed Co-Process", outputType: RecordType(F.Output.self), usesKeyedState: true) { ctx, out in
            try KeyedCoProcessOperator(makeFunction(), key1: key1, key2: key2, operatorContext: ctx, output: try castOutput(out, ctx))
                .makeRuntime(name: ctx.operatorName)
        }
        env.addEdge(from: first.partitioned, to: id, inputIndex: 0)
        env.addEdge(from: second.partitioned, to: id, inputIndex: 1)
        return DataStream(environment: env, nodeID: id)
    }
}
