// reduce on a keyed stream: a running aggregate per key, emitted on every update.

import RivuletCore

/// Keeps one value per key, combines each new element into it and emits the result
/// (Flink's StreamGroupedReduceOperator; also behind sum/min/max).
public final class KeyedReduceOperator<K: StreamKey, T: Sendable>: OneInputStreamOperator {
    public typealias In = T
    public let output: Output<T>
    @usableFromInline let keySelector: @Sendable (T) -> K
    @usableFromInline let reduce: @Sendable (T, T) throws -> T
    @usableFromInline let table: HeapStateTable<K, VoidNamespace, T>
    /// The keyed state of this operator (the reduce table lives in it).
    public let backend: KeyedStateBackend<K>

    @inlinable
    public init(keySelector: @escaping @Sendable (T) -> K, reduce: @escaping @Sendable (T, T) throws -> T,
                operatorContext: OperatorContext, output: Output<T>) throws {
        self.keySelector = keySelector
        self.reduce = reduce
        self.output = output
        backend = KeyedStateBackend<K>(operatorName: operatorContext.operatorName,
                                           keyGroupRange: operatorContext.keyGroupRange,
                                           maxParallelism: operatorContext.maxParallelism,
                                           clock: operatorContext.processingTimeService.clock)
        self.table = try backend.table("_reduce", kind: "ValueState", namespace: VoidNamespace.self, value: T.self)
    }

    @inlinable
    public func processElement(_ value: T, timestamp: Int64) throws {
        let result = try Self.combine(&table.map[HeapStateKey(keySelector(value), VoidNamespace())], value, reduce)
        try output.record(result, timestamp)
    }

    /// Folds `value` into the entry in place (one hash lookup) and returns the new aggregate.
    @inlinable
    static func combine(_ entry: inout TtlValue<T>?, _ value: T, _ reduce: (T, T) throws -> T) throws -> T {
        if let current = entry?.value {
            let next = try reduce(current, value)
            entry?.value = next
            return next
        }
        entry = TtlValue(value, lastAccess: 0)
        return value
    }
}
