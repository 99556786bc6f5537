// What a non-keyed user function sees at open: its subtask and operator state.

import RivuletCore

/// The runtime context of a function on a non-keyed stream (Flink's RuntimeContext).
public final class RuntimeContext {
    public let operatorContext: OperatorContext

    public init(_ operatorContext: OperatorContext) {
        self.operatorContext = operatorContext
    }

    public var subtaskIndex: Int { operatorContext.subtaskIndex }
    public var parallelism: Int { operatorContext.parallelism }
    public var operatorName: String { operatorContext.operatorName }
    /// Operator (non-keyed) list state of this subtask.
    public var operatorState: OperatorStateStore { operatorContext.operatorState }
    /// Job configuration.
    public var configuration: Configuration { operatorContext.configuration }

    /// Keyed state needs a keyed stream: this always fails with an error naming the operator.
    public func valueState<V>(_ descriptor: ValueStateDescriptor<V>) throws -> ValueState<V> {
        throw StateAccessError(
            "keyed state '\(descriptor.name)' is used in operator '\(operatorName)', which is not on a keyed stream; call keyBy() first")
    }
}

/// The runtime context of a function on a keyed stream: adds keyed state.
public final class KeyedRuntimeContext<K: StreamKey> {
    public let operatorContext: OperatorContext
    @usableFromInline let backend: KeyedStateBackend<K>

    @inlinable
    public init(_ operatorContext: OperatorContext, backend: KeyedStateBackend<K>) {
        self.operatorContext = operatorContext
        self.backend = backend
    }

    public var subtaskIndex: Int { operatorContext.subtaskIndex }
    public var parallelism: Int { operatorContext.parallelism }
    public var operatorName: String { operatorContext.operatorName }
    public var configuration: Configuration { operatorContext.configuration }

    @inlinable public func valueState<V>(_ d: ValueStateDescriptor<V>) throws -> ValueState<V> { try backend.valueState(d) }
    @inlinable public func listState<T>(_ d: ListStateDescriptor<T>) throws -> ListState<T> { try backend.listState(d) }
    @inlinable public func mapState<UK, UV>(_ d: MapStateDescriptor<UK, UV>) throws -> MapState<UK, UV> { try backend.mapState(d) }
    @inlinable public func reducingState<T>(_ d: ReducingStateDescriptor<T>) throws -> ReducingState<T> { try backend.reducingState(d) }
    @inlinable public func aggregatingState<F: AggregateFunction>(_ d: AggregatingStateDescriptor<F>) throws -> AggregatingState<F> {
        try backend.aggregatingState(d)
    }
}
