// One registered timer: a timestamp scoped by key and namespace.

/// A timer of Flink's `InternalTimerService`: fires at `timestamp` for `key` in `namespace`
/// (e.g. a window). Two timers are the same timer when all three fields are equal.
public struct TimerEntry<Key: Hashable, Namespace: Hashable>: Hashable {
    /// When the timer fires (ms, event or processing time).
    public var timestamp: Int64
    /// The key the timer is scoped to.
    public var key: Key
    /// The namespace the timer is scoped to.
    public var namespace: Namespace

    /// Creates a timer entry.
    @inlinable
    public init(timestamp: Int64, key: Key, namespace: Namespace) {
        self.timestamp = timestamp
        self.key = key
        self.namespace = namespace
    }

    /// Whether both timers have the same timestamp, key and namespace.
    @inlinable
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.timestamp == rhs.timestamp && lhs.key == rhs.key && lhs.namespace == rhs.namespace
    }

    /// Hashes timestamp, key and namespace (written out so it inlines into callers' sets).
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(timestamp)
        hasher.combine(key)
        hasher.combine(namespace)
    }
}

extension TimerEntry: Sendable where Key: Sendable, Namespace: Sendable {}
