// How one registered keyed state takes part in snapshots.

import RivuletCore

/// Writes one state's entries by key group and reads entries back (one at a time, from a key
/// group's bytes). Built by the backend when the state is registered.
public struct KeyedStateParticipant {
    /// Entries per key group, in the canonical format.
    public let snapshot: () throws -> [Int: [UInt8]]
    /// Reads one entry of the given key group and stores it.
    public let restoreEntry: (_ keyGroup: Int, inout BinaryReader) throws -> Void
    /// Called once after the last restored entry (stores that batch their writes write the rest).
    public let finishRestore: () throws -> Void

    public init(
        snapshot: @escaping () throws -> [Int: [UInt8]], restoreEntry: @escaping (_ keyGroup: Int, inout BinaryReader) throws -> Void,
        finishRestore: @escaping () throws -> Void = {}
    ) {
        self.snapshot = snapshot
        self.restoreEntry = restoreEntry
        self.finishRestore = finishRestore
    }
}
