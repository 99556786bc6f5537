// Everything one operator subtask checkpoints: keyed state and operator list states.

/// How an operator list state is redistributed when parallelism changes.
public enum OperatorStateDistribution: String, Sendable, Codable {
    /// Each subtask gets a slice of the union of all elements.
    case splitEvenly
    /// Every subtask gets all elements.
    case union
}

/// The snapshot of one operator subtask, the content of its state file.
public struct OperatorSnapshot: Sendable, Equatable {
    /// One operator list state: encoded elements.
    public struct ListState: Sendable, Equatable {
        public var distribution: OperatorStateDistribution
        /// The element type, e.g. `SequenceSplit`; a restore refuses a different one.
        public var typeName: String
        public var elements: [[UInt8]]

        public init(distribution: OperatorStateDistribution, typeName: String, elements: [[UInt8]]) {
            self.distribution = distribution
            self.typeName = typeName
            self.elements = elements
        }
    }

    /// Keyed state in canonical form (heap backend, full RocksDB snapshots, savepoints).
    public var keyed: KeyedStateSnapshot?
    /// Keyed state as the files of a native RocksDB checkpoint (incremental checkpoints);
    /// a restore turns it into canonical form.
    public var incremental: IncrementalKeyedState?
    public var lists: [String: ListState]

    public init(keyed: KeyedStateSnapshot? = nil, incremental: IncrementalKeyedState? = nil, lists: [String: ListState] = [:]) {
        self.keyed = keyed
        self.incremental = incremental
        self.lists = lists
    }

    /// The names of the keyed states this snapshot holds (canonical, RocksDB column families
    /// and the heap part of incremental state).
    public var keyedStateNames: Set<String> {
        var names = Set(keyed?.states.keys ?? [:].keys)
        if let incremental {
            names.formUnion(incremental.columnFamilies.keys)
            names.formUnion(incremental.heap.states.keys)
        }
        return names
    }

    /// True when there is nothing to write: no keyed entries, no incremental RocksDB state and
    /// no operator list state. A list state with no elements is state: a finished source's
    /// empty split list says "nothing left to read", while no state at all makes a restored
    /// source start from the beginning.
    public var isEmpty: Bool { (keyed?.isEmpty ?? true) && incremental == nil && lists.isEmpty }

    /// File format: magic "RVST", version, then the body.
    public static let magic: [UInt8] = Array("RVST".utf8)
    public static let version: UInt32 = 1

    /// The bytes of a state file.
    public func fileBytes() -> [UInt8] {
        var writer = BinaryWriter()
        writer.bytes.append(contentsOf: Self.magic)
        writer.writeUInt32(Self.version)
        encode(to: &writer)
        return writer.bytes
    }

    /// Reads a state file written by `fileBytes()`.
    public init(fileBytes bytes: [UInt8]) throws {
        var reader = BinaryReader(bytes)
        guard bytes.count >= 8, try reader.readBytes(count: 4) == Self.magic else {
            throw SerializationError.invalidValue("not a Rivulet state file (bad magic)")
        }
        let version = try reader.readUInt32()
        guard version == Self.version else {
            throw SerializationError.invalidValue("state file version \(version) is not supported (this build reads \(Self.version))")
        }
        try self.init(from: &reader)
        try reader.expectEnd("state file")
    }

    /// Redistributes the snapshots of an operator's old subtasks to subtask `index` of
    /// `parallelism` owning `range`: key groups by range, split lists in even slices, union
    /// lists whole.
    public static func redistribute(
        _ old: [OperatorSnapshot], to index: Int, of parallelism: Int,
        range: KeyGroupRange, maxParallelism: Int
    ) throws -> OperatorSnapshot {
        var result = OperatorSnapshot()
        guard old.allSatisfy({ $0.incremental == nil }) else {
            throw SerializationError.invalidValue("incremental RocksDB state must be turned into canonical form before it is redistributed")
        }
        let keyedParts = old.compactMap(\.keyed)
        if !keyedParts.isEmpty {
            result.keyed = try KeyedStateSnapshot.merging(keyedParts, maxParallelism: maxParallelism).restricted(to: range)
        }
        var names: [String] = []
        for snapshot in old { for name in snapshot.lists.keys where !names.contains(name) { names.append(name) } }
        for name in names {
            var all: [[UInt8]] = []
            var first: ListState?
            for snapshot in old {
                guard let list = snapshot.lists[name] else { continue }
                if let f = first, f.typeName != list.typeName || f.distribution != list.distribution {
                    throw SerializationError.invalidValue("operator state '\(name)' differs between subtasks (\(f.typeName) vs \(list.typeName))")
                }
                if first == nil { first = list }
                all.append(contentsOf: list.elements)
            }
            guard let f = first else { continue }
            switch f.distribution {
            case .union:
                result.lists[name] = ListState(distribution: .union, typeName: f.typeName, elements: all)
            case .splitEvenly:
                let start = all.count * index / parallelism, end = all.count * (index + 1) / parallelism
                result.lists[name] = ListState(distribution: .splitEvenly, typeName: f.typeName, elements: Array(all[start..<end]))
            }
        }
        return result
    }
}

extension OperatorSnapshot: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeBool(keyed != nil)
        keyed?.encode(to: &writer)
        writer.writeBool(incremental != nil)
        incremental?.encode(to: &writer)
        writer.writeVarUInt(UInt64(lists.count))
        for name in lists.keys.sorted() {
            guard let list = lists[name] else { continue }
            name.encode(to: &writer)
            list.distribution.rawValue.encode(to: &writer)
            list.typeName.encode(to: &writer)
            writer.writeVarUInt(UInt64(list.elements.count))
            for e in list.elements {
                writer.writeVarUInt(UInt64(e.count))
                writer.bytes.append(contentsOf: e)
            }
        }
    }

    public init(from reader: inout BinaryReader) throws {
        self.init()
        if try reader.readBool() { keyed = try KeyedStateSnapshot(from: &reader) }
        if try reader.readBool() { incremental = try IncrementalKeyedState(from: &reader) }
        let count = try reader.readCount("operator states")
        for _ in 0..<count {
            let name = try String(from: &reader)
            let raw = try String(from: &reader)
            guard let distribution = OperatorStateDistribution(rawValue: raw) else {
                throw SerializationError.invalidValue("operator state '\(name)' has unknown distribution '\(raw)'")
            }
            let typeName = try String(from: &reader)
            let n = try reader.readCount("elements of '\(name)'")
            var elements: [[UInt8]] = []
            for _ in 0..<n { elements.append(try reader.readBytes(count: try reader.readLength("element of '\(name)'"))) }
            lists[name] = ListState(distribution: distribution, typeName: typeName, elements: elements)
        }
    }
}
