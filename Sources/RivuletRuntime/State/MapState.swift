// A map per key (Flink's MapState).

/// A map from user keys to values for the current key.
public final class MapState<UK: Hashable, UV> {
    @usableFromInline let getOne: (UK) throws -> UV?
    @usableFromInline let putOne: (UK, UV?) throws -> Void
    @usableFromInline let all: () throws -> [UK: UV]
    @usableFromInline let clearAll: () throws -> Void

    @inlinable
    public init(
        get: @escaping (UK) throws -> UV?, put: @escaping (UK, UV?) throws -> Void,
        all: @escaping () throws -> [UK: UV], clear: @escaping () throws -> Void
    ) {
        self.getOne = get
        self.putOne = put
        self.all = all
        self.clearAll = clear
    }

    @inlinable public func get(_ key: UK) throws -> UV? { try getOne(key) }
    @inlinable public func put(_ key: UK, _ value: UV) throws { try putOne(key, value) }
    @inlinable public func remove(_ key: UK) throws { try putOne(key, nil) }
    @inlinable public func contains(_ key: UK) throws -> Bool { try getOne(key) != nil }
    /// All live entries for the current key.
    @inlinable public func entries() throws -> [UK: UV] { try all() }
    @inlinable public func keys() throws -> [UK] { Array(try all().keys) }
    @inlinable public func values() throws -> [UV] { Array(try all().values) }
    @inlinable public func isEmpty() throws -> Bool { try all().isEmpty }
    @inlinable public func clear() throws { try clearAll() }
}
