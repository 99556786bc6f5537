// What the synchronous part of a keyed-state checkpoint produces.

import RivuletCore

/// Canonical state ready to write, or a native RocksDB checkpoint to upload in the background.
public enum KeyedSnapshotResult: Sendable {
    case canonical(KeyedStateSnapshot)
    case incremental(PendingIncrementalSnapshot)
}

/// Lets completed checkpoints' SST files be referenced by later incremental checkpoints.
final class SSTConfirmation: CheckpointListener {
    let tracker: SharedSSTTracker
    init(tracker: SharedSSTTracker) { self.tracker = tracker }
    func notifyCheckpointComplete(_ checkpointID: Int64) throws { tracker.confirm(checkpointID) }
}
