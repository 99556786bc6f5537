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

    public var ttlMillis: Int64
    public var updateType: UpdateType
    public var visibility: StateVisibility

    /// A TTL of `ttl` (must be positive).
    public init(
        ttl: Duration, updateType: UpdateType = .onCreateAndWrite,
        visibility: StateVisibility = .neverReturnExpired
    ) {
        let (seconds, attoseconds) = ttl.components
        self.ttlMillis = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        self.updateType = updateType
        self.visibility = visibility
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
}
