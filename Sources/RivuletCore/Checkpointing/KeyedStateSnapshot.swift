// The canonical, backend-independent snapshot of an operator's keyed state, by key group.

/// Keyed state of one operator subtask in the form every backend writes and reads: per state,
/// per key group, the concatenated entries (key, namespace, value encodings; map states one
/// entry per user key). Grouping by key group is what lets a restore at another parallelism
/// take exactly the key groups of its new range, and lets heap and RocksDB read each other's
/// snapshots.
public struct KeyedStateSnapshot: Sendable, Equatable {
    /// One registered state.
    public struct State: Sendable, Equatable {
        /// Kind and value type, e.g. `ValueState<Int>`; a restore refuses a different one.
        public var signature: String
        /// Entries per key group (only non-empty groups).
        public var keyGroups: [Int: [UInt8]]

        public init(signature: String, keyGroups: [Int: [UInt8]] = [:]) {
            self.signature = signature
            self.keyGroups = keyGroups
        }
    }

    public var maxParallelism: Int
    public var states: [String: State]

    public init(maxParallelism: Int, states: [String: State] = [:]) {
        self.maxParallelism = maxParallelism
        self.states = states
    }

    /// The part of this snapshot that belongs to `range`.
    public func restricted(to range: KeyGroupRange) -> KeyedStateSnapshot {
        var result = KeyedStateSnapshot(maxParallelism: maxParallelism)
        for (name, state) in states {
            result.states[name] = State(
                signature: state.signature,
                keyGroups: state.keyGroups.filter { range.contains($0.key) })
        }
        return result
    }

    /// Combines the snapshots of several old subtasks (disjoint key groups) into one.
    public static func merging(_ parts: [KeyedStateSnapshot], maxParallelism: Int) throws -> KeyedStateSnapshot {
        var result = KeyedStateSnapshot(maxParallelism: maxParallelism)
        for part in parts {
            guard part.maxParallelism == maxParallelism else {
                throw SerializationError.invalidValue(
                    "keyed state was written with max parallelism \(part.maxParallelism) but the job uses \(maxParallelism); max parallelism cannot change across a restore"
                )
            }
            for (name, state) in part.states {
                if let existing = result.states[name], existing.signature != state.signature {
                    throw SerializationError.invalidValue("state '\(name)' is \(existing.signature) in one subtask and \(state.signature) in another")
                }
                var merged = result.states[name] ?? State(signature: state.signature)
                for (group, bytes) in state.keyGroups { merged.keyGroups[group, default: []].append(contentsOf: bytes) }
                result.states[name] = merged
            }
        }
        return result
    }

    /// True when no state holds an entry.
    public var isEmpty: Bool { states.values.allSatisfy { $0.keyGroups.isEmpty } }
}

extension KeyedStateSnapshot: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(maxParallelism))
        writer.writeVarUInt(UInt64(states.count))
        for name in states.keys.sorted() {
            guard let state = states[name] else { continue }
            name.encode(to: &writer)
            state.signature.encode(to: &writer)
            writer.writeVarUInt(UInt64(state.keyGroups.count))
            for group in state.keyGroups.keys.sorted() {
                let bytes = state.keyGroups[group] ?? []
                writer.writeVarUInt(UInt64(group))
                writer.writeVarUInt(UInt64(bytes.count))
                writer.bytes.append(contentsOf: bytes)
            }
        }
    }

    public init(from reader: inout BinaryReader) throws {
        let maxParallelism = try reader.readCount("max parallelism")
        guard maxParallelism >= 1, maxParallelism <= KeyGroupRangeAssignment.upperBoundMaxParallelism else {
            throw SerializationError.invalidValue("keyed state snapshot has max parallelism \(maxParallelism)")
        }
        self.init(maxParallelism: maxParallelism)
        let count = try reader.readCount("states")
        for _ in 0..<count {
            let name = try String(from: &reader)
            var state = State(signature: try String(from: &reader))
            let groups = try reader.readCount("key groups")
            for _ in 0..<groups {
                let group = try reader.readCount("key group")
                guard group < maxParallelism else {
                    throw SerializationError.invalidValue("state '\(name)' has key group \(group) outside max parallelism \(maxParallelism)")
                }
                let length = try reader.readLength("key group \(group) of state '\(name)'")
                state.keyGroups[group] = try reader.readBytes(count: length)
            }
            states[name] = state
        }
    }
}
