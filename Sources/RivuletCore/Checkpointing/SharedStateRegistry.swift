// Reference counts of shared state files (incremental RocksDB SSTs) across retained checkpoints.

/// Counts, for every shared file, how many retained checkpoints reference it, and says which
/// files became unreferenced when a checkpoint is dropped (Flink's SharedStateRegistry). Pure:
/// it deletes nothing itself; the caller deletes what `unregister` returns.
///
/// A checkpoint counts each file at most once: registering it again, or naming a file twice,
/// adds only references it did not hold yet.
public struct SharedStateRegistry: Sendable {
    /// The files each registered checkpoint references.
    private var filesByCheckpoint: [Int64: Set<String>] = [:]
    /// For each referenced file, the number of registered checkpoints that reference it (>= 1).
    private var counts: [String: Int] = [:]

    /// An empty registry.
    public init() {}

    /// Records that checkpoint `checkpointID` references `files` (paths relative to the job
    /// directory, e.g. `shared/abc.sst`). References the checkpoint already holds are not counted again.
    public mutating func register(checkpointID: Int64, files: [String]) {
        var held = filesByCheckpoint[checkpointID] ?? []
        for file in files where held.insert(file).inserted {
            counts[file, default: 0] += 1
        }
        filesByCheckpoint[checkpointID] = held
    }

    /// Drops checkpoint `checkpointID`'s references and returns, sorted, the files no registered
    /// checkpoint references any more: the caller deletes them. An unknown id returns `[]`.
    public mutating func unregister(checkpointID: Int64) -> [String] {
        guard let held = filesByCheckpoint.removeValue(forKey: checkpointID) else { return [] }
        var unreferenced: [String] = []
        for file in held {
            let remaining = (counts[file] ?? 1) - 1
            if remaining <= 0 {
                counts[file] = nil
                unreferenced.append(file)
            } else {
                counts[file] = remaining
            }
        }
        return unreferenced.sorted()
    }

    /// How many registered checkpoints reference `file` (0 if none).
    public func referenceCount(_ file: String) -> Int { counts[file] ?? 0 }

    /// Whether some registered checkpoint references `file`.
    public func isRegistered(_ file: String) -> Bool { counts[file] != nil }

    /// Every file some registered checkpoint references.
    public var files: Set<String> { Set(counts.keys) }

    /// The ids of the registered checkpoints, ascending.
    public var checkpointIDs: [Int64] { filesByCheckpoint.keys.sorted() }
}
