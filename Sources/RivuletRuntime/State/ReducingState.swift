// A value per key that folds in every added value with a reduce function (Flink's ReducingState).

/// Values added are combined with the descriptor's reduce function.
public final class ReducingState<T> {
    @usableFromInline let value: ValueState<T>
    @usableFromInline let reduce: @Sendable (T, T) throws -> T

    @inlinable
    public init(value: ValueState<T>, reduce: @escaping @Sendable (T, T) throws -> T) {
        self.value = value
        self.reduce = reduce
    }

    @inlinable public func get() throws -> T? { try value.value() }
    @inlinable public func add(_ element: T) throws {
        if let current = try value.value() {
            try value.update(try reduce(current, element))
        } else {
            try value.update(element)
        }
    }
    @inlinable public func clear() throws { try value.clear() }
}
