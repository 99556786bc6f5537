// reduce on a keyed stream: a running aggregate per key, emitted on every update.

import RivuletCore

/// Keeps one value per key, combines each new element into it and emits the result
/// (Flink's StreamGroupedReduceOperator; also behind sum/min/max).
public final class KeyedReduceOperator<K: StreamKey, T: Sendable, M: KeyedStateMap>: OneInputStreamOperator
where M.Key == K, M.Namespace == VoidNamespace, M.Value == T {
    public typealias In = T
    public let output: Output<T>
    @usableFromInline let keySelector: @Sendable (T) -> K
    @usableFromInline let reduce: @Sendable (T, T) throws -> T
    @usableFromInline let table: M
    /// The keyed state of this operator (the reduce table lives in it).
    public let backend: KeyedStateBackend<K>

    @inlinable
    public init(
        keySelector: @escaping @Sendable (T) -> K, reduce: @escaping @Sendable (T, T) throws -> T,
        operatorContext: OperatorContext, output: Output<T>, map: M.Type = M.self
    ) throws {
        self.keySelector = keySelector
        self.reduce = reduce
        self.output = output
        backend = try KeyedStateBackend<K>(context: operatorContext)
        self.table = try M.register("_reduce", signature: "ValueState<\(T.self)>", in: backend)
    }

    @inlinable
    public func processElement(_ value: T, timestamp: Int64) throws {
        var result = value
        try table.upsert(keySelector(value), VoidNamespace()) { entry in
            if let current = entry { result = try reduce(current, value) }
            entry = result
        }
        try output.record(result, timestamp)
    }
}
