// Time-to-live of keyed state entries (Flink's StateTtlConfig), in processing time.

/// How long a state entry lives after it was last written (or read) before it expires.
public struct StateTtlConfig: Sendable, Hashable {
    /// What refreshes an entry's time to live.
    public enum UpdateType: Sendable, Hashable {
        case onCreateAndWrite
        case onReadAndWrite
    }
    /// Whether an expired entry that was not cleaned up yet may still be returned.
    public enum StateVisibility: Sendable, Hashable {
        case neverReturnExpired
        case returnExpiredIfNotCleanedUp
    }

    /// How expired entries leave the state, not only the reads of it (Flink's cleanup
    /// strategies). As in Flink, cleanup in the background is on by default: the heap backend
    /// checks 5 entries at each access of the state, RocksDB drops expired entries when it
    /// compacts. Full snapshots keep expired entries unless `inFullSnapshot` is set.
    public struct Cleanup: Sendable, Hashable {
        /// Heap backend: entries checked for expiry (and removed) at each access of the state;
        /// 0 turns incremental cleanup off.
        public var incrementalSize: Int
        /// Savepoints, heap checkpoints and non-incremental RocksDB checkpoints leave expired
        /// entries out (the running state keeps them until the other strategies remove them).
        public var inFullSnapshot: Bool
        /// RocksDB backend: compactions drop expired value and map state entries. A list keeps
        /// its expired elements until it is read or a full snapshot cleans it.
        public var inRocksDBCompaction: Bool

        public init(incrementalSize: Int = 5, inFullSnapshot: Bool = false, inRocksDBCompaction: Bool = true) {
            self.incrementalSize = max(0, incrementalSize)
            self.inFullSnapshot = inFullSnapshot
            self.inRocksDBCompaction = inRocksDBCompaction
        }
    }

    public var ttlMillis: Int64
    public var updateType: UpdateType
    public var visibility: StateVisibility
    public var cleanup: Cleanup

    /// A TTL of `ttl` (must be positive).
    public init(
        ttl: Duration, updateType: UpdateType = .onCreateAndWrite,
        visibility: StateVisibility = .neverReturnExpired, cleanup: Cleanup = Cleanup()
    ) {
        let (seconds, attoseconds) = ttl.components
        self.ttlMillis = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        self.updateType = updateType
        self.visibility = visibility
        self.cleanup = cleanup
    }

    /// This configuration checking `size` entries at each access of a heap state (Flink's
    /// `cleanupIncrementally`); 0 turns it off.
    public func cleanupIncrementally(_ size: Int) -> StateTtlConfig {
        var c = self
        c.cleanup.incrementalSize = max(0, size)
        return c
    }

    /// This configuration leaving expired entries out of full snapshots (Flink's `cleanupFullSnapshot`).
    public func cleanupFullSnapshot() -> StateTtlConfig {
        var c = self
        c.cleanup.inFullSnapshot = true
        return c
    }

    /// This configuration with no cleanup in the background: expired entries leave only when
    /// read (or, with `cleanupFullSnapshot`, from snapshots).
    public func disableCleanupInBackground() -> StateTtlConfig {
        var c = self
        c.cleanup.incrementalSize = 0
        c.cleanup.inRocksDBCompaction = false
        return c
    }
}

/// A state value with the processing time it was last refreshed (for TTL).
public struct TtlValue<V> {
    public var value: V
    public var lastAccess: Int64

    @inlinable
    public init(_ value: V, lastAccess: Int64) {
        self.value = value
        self.lastAccess = lastAccess
    }

    /// True when the entry outlived `ttl` at time `now`.
    @inlinable
    public func isExpired(_ ttl: StateTtlConfig?, now: Int64) -> Bool {
        guard let ttl else { return false }
        return ttl.visibility == .neverReturnExpired && lastAccess + ttl.ttlMillis <= now
    }

    /// True when the entry outlived a time to live of `ttlMillis` at `now`, whatever the
    /// visibility (cleanup removes such entries).
    @inlinable
    public func hasOutlived(_ ttlMillis: Int64, now: Int64) -> Bool { lastAccess &+ ttlMillis <= now }
}
