// A per-key accumulator driven by an AggregateFunction (Flink's AggregatingState).

/// Values added go into an accumulator; `get` returns the function's result.
public final class AggregatingState<F: AggregateFunction> {
    @usableFromInline let value: ValueState<F.Accumulator>
    @usableFromInline let function: F

    @inlinable
    public init(value: ValueState<F.Accumulator>, function: F) {
        self.value = value
        self.function = function
    }

    @inlinable public func get() throws -> F.Result? {
        guard let acc = try value.value() else { return nil }
        return try function.result(acc)
    }
    @inlinable public func add(_ element: F.Input) throws {
        var acc = try value.value() ?? function.createAccumulator()
        try function.add(element, to: &acc)
        try value.update(acc)
    }
    @inlinable public func clear() throws { try value.clear() }
}
