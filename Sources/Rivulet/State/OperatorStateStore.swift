// Operator (non-keyed) state of one operator subtask: named list states (Flink's OperatorStateStore).

/// How a list state is redistributed when parallelism changes.
public enum OperatorStateDistribution: String, Sendable, Codable {
    /// Each subtask gets a slice of the union of all elements.
    case splitEvenly
    /// Every subtask gets all elements.
    case union
}

/// Named operator list states of one subtask; the checkpointing layer snapshots `lists`.
/// Confined to the task's thread.
public final class OperatorStateStore {
    /// Element lists by state name, type-erased.
    public private(set) var lists: [String: (distribution: OperatorStateDistribution, type: String, values: [Any])] = [:]

    public init() {}

    /// The list state `name` of element type `T`, created empty on first use.
    public func listState<T>(_ name: String, of type: T.Type = T.self,
                             distribution: OperatorStateDistribution = .splitEvenly) throws -> OperatorListState<T> {
        if let existing = lists[name], existing.type != "\(T.self)" {
            throw StateAccessError("operator state '\(name)' holds \(existing.type), not \(T.self)")
        }
        if lists[name] == nil { lists[name] = (distribution, "\(T.self)", []) }
        return OperatorListState(store: self, name: name)
    }

    func values(_ name: String) -> [Any] { lists[name]?.values ?? [] }
    func setValues(_ name: String, _ values: [Any]) { lists[name]?.values = values }
}

/// A list of elements that belongs to an operator subtask, not to a key.
public final class OperatorListState<T> {
    let store: OperatorStateStore
    let name: String

    init(store: OperatorStateStore, name: String) {
        self.store = store
        self.name = name
    }

    public func get() -> [T] { store.values(name).compactMap { $0 as? T } }
    public func add(_ value: T) { store.setValues(name, store.values(name) + [value]) }
    public func update(_ values: [T]) { store.setValues(name, values) }
    public func clear() { store.setValues(name, []) }
}
