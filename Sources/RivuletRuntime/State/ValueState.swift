// A single value per key (Flink's ValueState).

/// One value for the current key; nil when unset or expired.
public final class ValueState<V> {
    @usableFromInline let get: () throws -> V?
    @usableFromInline let set: (V?) throws -> Void

    @inlinable
    public init(get: @escaping () throws -> V?, set: @escaping (V?) throws -> Void) {
        self.get = get
        self.set = set
    }

    /// The value for the current key, or nil.
    @inlinable public func value() throws -> V? { try get() }
    /// Replaces the value for the current key.
    @inlinable public func update(_ value: V) throws { try set(value) }
    /// Removes the value for the current key.
    @inlinable public func clear() throws { try set(nil) }
}
