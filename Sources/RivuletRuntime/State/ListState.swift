// A list of values per key (Flink's ListState).

/// A list for the current key; empty when unset.
public final class ListState<T> {
    @usableFromInline let getAll: () throws -> [T]
    @usableFromInline let addAll: ([T]) throws -> Void
    @usableFromInline let setAll: ([T]) throws -> Void

    @inlinable
    public init(get: @escaping () throws -> [T], add: @escaping ([T]) throws -> Void, set: @escaping ([T]) throws -> Void) {
        self.getAll = get
        self.addAll = add
        self.setAll = set
    }

    /// The elements for the current key (live ones, with TTL).
    @inlinable public func get() throws -> [T] { try getAll() }
    /// Appends one element.
    @inlinable public func add(_ value: T) throws { try addAll([value]) }
    /// Appends elements.
    @inlinable public func addAll(_ values: [T]) throws { try addAll(values) }
    /// Replaces the list.
    @inlinable public func update(_ values: [T]) throws { try setAll(values) }
    /// Empties the list.
    @inlinable public func clear() throws { try setAll([]) }
}
