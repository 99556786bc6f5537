// Operator (non-keyed) state of one operator subtask: named list states (Flink's OperatorStateStore).

import RivuletCore

/// Named operator list states of one subtask. Elements are kept typed; a checkpoint encodes
/// them, a restore hands each state its restored elements when the operator asks for it.
/// Confined to the task's thread.
public final class OperatorStateStore {
    final class Entry {
        let distribution: OperatorStateDistribution
        let typeName: String
        var values: [Any]
        let encode: ([Any]) -> [[UInt8]]

        init(distribution: OperatorStateDistribution, typeName: String, values: [Any], encode: @escaping ([Any]) -> [[UInt8]]) {
            self.distribution = distribution
            self.typeName = typeName
            self.values = values
            self.encode = encode
        }
    }
    var entries: [String: Entry] = [:]
    /// Restored states nobody asked for yet, kept so a later checkpoint does not lose them.
    var restored: [String: OperatorSnapshot.ListState]
    let operatorName: String

    public init(operatorName: String = "", restored: [String: OperatorSnapshot.ListState] = [:]) {
        self.operatorName = operatorName
        self.restored = restored
    }

    /// The list state `name` of element type `T`, created empty or from the restored
    /// checkpoint on first use.
    public func listState<T: BinaryCodable>(
        _ name: String, of type: T.Type = T.self,
        distribution: OperatorStateDistribution = .splitEvenly
    ) throws -> OperatorListState<T> {
        let typeName = "\(T.self)"
        if let existing = entries[name] {
            guard existing.typeName == typeName else {
                throw StateAccessError("operator state '\(name)' of operator '\(operatorName)' holds \(existing.typeName), not \(typeName)")
            }
            return OperatorListState(entry: existing)
        }
        var values: [Any] = []
        if let old = restored.removeValue(forKey: name) {
            guard old.typeName == typeName else {
                throw StateAccessError(
                    "restored operator state '\(name)' of operator '\(operatorName)' holds \(old.typeName), but the job declares \(typeName)")
            }
            for bytes in old.elements {
                var reader = BinaryReader(bytes)
                values.append(try T(from: &reader))
            }
        }
        let entry = Entry(distribution: distribution, typeName: typeName, values: values) { values in
            values.compactMap { ($0 as? T)?.binaryEncoded() }
        }
        entries[name] = entry
        return OperatorListState(entry: entry)
    }

    /// The encoded contents of every list state (registered or still only restored).
    public func snapshot() -> [String: OperatorSnapshot.ListState] {
        var result = restored
        for (name, entry) in entries {
            result[name] = OperatorSnapshot.ListState(
                distribution: entry.distribution, typeName: entry.typeName,
                elements: entry.encode(entry.values))
        }
        return result
    }
}

/// A list of elements that belongs to an operator subtask, not to a key.
public final class OperatorListState<T> {
    let entry: OperatorStateStore.Entry

    init(entry: OperatorStateStore.Entry) {
        self.entry = entry
    }

    public func get() -> [T] { entry.values.compactMap { $0 as? T } }
    public func add(_ value: T) { entry.values.append(value) }
    public func update(_ values: [T]) { entry.values = values }
    public func clear() { entry.values = [] }
}
