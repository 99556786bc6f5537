// A stream partitioned by key: keyed state, timers, reduce and aggregations, windows.

import RivuletCore

/// A stream partitioned by `key` (Flink's KeyedStream). Operators on it run with keyed
/// state scoped to the key of each record.
public struct KeyedStream<T: Sendable, K: StreamKey> {
    public let input: DataStream<T>
    public let key: @Sendable (T) -> K

    @inlinable
    public init(input: DataStream<T>, key: @escaping @Sendable (T) -> K) {
        self.input = input
        self.key = key
    }

    /// The input as a hash-partitioned stream by key group.
    @inlinable
    public var partitioned: DataStream<T> {
        let key = self.key
        let maxP = input.environment.maxParallelism
        let keyGroupOf: @Sendable (T) -> Int = { KeyGroupRangeAssignment.keyGroup(for: key($0), maxParallelism: maxP) }
        return DataStream(
            environment: input.environment, nodeID: input.nodeID, partitioning: .hash,
            explicitPartitioning: true, sideOutputTag: input.sideOutputTag, keyGroupOf: keyGroupOf)
    }

    /// One result per element, with the elements partitioned by key (in Flink a KeyedStream
    /// is a DataStream: stateless operators after `keyBy` run on the hash-partitioned stream).
    @inlinable
    public func map<R: Sendable>(_ function: @escaping @Sendable (T) throws -> R) -> DataStream<R> {
        partitioned.map(function)
    }

    /// The elements for which `predicate` is true, partitioned by key.
    @inlinable
    public func filter(_ predicate: @escaping @Sendable (T) throws -> Bool) -> DataStream<T> {
        partitioned.filter(predicate)
    }

    /// Any number of results per element, emitted through the collector, with the elements
    /// partitioned by key.
    @inlinable
    public func flatMap<R: Sendable>(_ function: @escaping @Sendable (T, Collector<R>) throws -> Void) -> DataStream<R> {
        partitioned.flatMap(function)
    }

    /// Adds a keyed one-input operator.
    @inlinable
    public func transform<R: Sendable>(_ name: String, _ factory: @escaping OperatorFactory, outputType: RecordType) -> DataStream<R> {
        partitioned.transform(name, usesKeyedState: true, factory, outputType: outputType)
    }

    /// Runs a `KeyedProcessFunction`; `makeFunction` creates one instance per subtask.
    @inlinable
    public func process<F: KeyedProcessFunction>(_ makeFunction: @escaping @Sendable () -> F) -> DataStream<F.Output>
    where F.Input == T, F.Key == K {
        let key = self.key
        return transform(
            "Keyed Process",
            { ctx, out in
                try KeyedProcessOperator(makeFunction(), keySelector: key, operatorContext: ctx, output: try castOutput(out, ctx))
                    .makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(F.Output.self))
    }

    /// A running reduce per key: emits the new aggregate for every element.
    @inlinable
    public func reduce(_ function: @escaping @Sendable (T, T) throws -> T) -> DataStream<T> {
        reduce(name: "Keyed Reduce", function)
    }

    @inlinable
    func reduce(name: String, _ function: @escaping @Sendable (T, T) throws -> T) -> DataStream<T> {
        let key = self.key
        return transform(
            name,
            { ctx, out in
                let output: Output<T> = try castOutput(out, ctx)
                if ctx.configuration.usesRocksDB {
                    return try KeyedReduceOperator(
                        keySelector: key, reduce: function, operatorContext: ctx, output: output,
                        map: RocksDBStateMap<K, VoidNamespace, T>.self
                    ).makeRuntime(name: ctx.operatorName)
                }
                return try KeyedReduceOperator(
                    keySelector: key, reduce: function, operatorContext: ctx, output: output,
                    map: StateHashMap<K, VoidNamespace, T>.self
                ).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(T.self))
    }

    /// A running sum of `field` per key; the other fields keep the first element's values.
    @inlinable
    public func sum<N: AdditiveArithmetic & SendableMetatype>(_ field: WritableKeyPath<T, N> & Sendable) -> DataStream<T> {
        reduce(name: "Keyed Sum") { a, b in
            var r = a
            r[keyPath: field] += b[keyPath: field]
            return r
        }
    }

    /// A running minimum of `field` per key; the other fields keep the first element's values.
    @inlinable
    public func min<N: Comparable & SendableMetatype>(_ field: WritableKeyPath<T, N> & Sendable) -> DataStream<T> {
        reduce(name: "Keyed Min") { a, b in
            var r = a
            if b[keyPath: field] < a[keyPath: field] { r[keyPath: field] = b[keyPath: field] }
            return r
        }
    }

    /// A running maximum of `field` per key; the other fields keep the first element's values.
    @inlinable
    public func max<N: Comparable & SendableMetatype>(_ field: WritableKeyPath<T, N> & Sendable) -> DataStream<T> {
        reduce(name: "Keyed Max") { a, b in
            var r = a
            if b[keyPath: field] > a[keyPath: field] { r[keyPath: field] = b[keyPath: field] }
            return r
        }
    }

    /// The element with the smallest `field` so far per key (the first one on ties).
    @inlinable
    public func minBy<N: Comparable & SendableMetatype>(_ field: KeyPath<T, N> & Sendable) -> DataStream<T> {
        reduce(name: "Keyed MinBy") { a, b in b[keyPath: field] < a[keyPath: field] ? b : a }
    }

    /// The element with the largest `field` so far per key (the first one on ties).
    @inlinable
    public func maxBy<N: Comparable & SendableMetatype>(_ field: KeyPath<T, N> & Sendable) -> DataStream<T> {
        reduce(name: "Keyed MaxBy") { a, b in b[keyPath: field] > a[keyPath: field] ? b : a }
    }

    /// Groups each key's elements into windows of `assigner`.
    @inlinable
    public func window<A: WindowAssigner>(_ assigner: A) -> WindowedStream<T, K, A, A.DefaultTrigger> {
        WindowedStream(keyed: self, assigner: assigner, trigger: assigner.defaultTrigger)
    }

    /// Tumbling count windows: fires and purges every `size` elements of a key.
    @inlinable
    public func countWindow(_ size: Int64) -> WindowedStream<T, K, GlobalWindows, PurgingTrigger<CountTrigger<GlobalWindow>>> {
        WindowedStream(keyed: self, assigner: GlobalWindows(), trigger: PurgingTrigger(CountTrigger<GlobalWindow>.of(size)))
    }

    /// Connects with another stream keyed by the same key type.
    public func connect<U>(_ other: KeyedStream<U, K>) -> KeyedConnectedStreams<T, U, K> {
        KeyedConnectedStreams(first: self, second: other)
    }
}
