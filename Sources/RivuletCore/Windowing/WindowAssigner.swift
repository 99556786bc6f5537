// The protocols for assigning elements to windows and for merging (session) window assigners.

/// Assigns each element to zero or more windows, as Flink's `WindowAssigner`.
public protocol WindowAssigner<W>: Sendable {
    /// The window type this assigner produces.
    associatedtype W: Window
    /// The trigger Flink uses by default for this assigner.
    associatedtype DefaultTrigger: Trigger where DefaultTrigger.W == W

    /// Calls `body` for every window the element with this timestamp belongs to (no allocation on the hot path).
    ///
    /// Processing-time assigners use `currentProcessingTime` instead of `timestamp`.
    func assignWindows(timestamp: Int64, currentProcessingTime: Int64, _ body: (W) throws -> Void) rethrows

    /// True for event-time assigners.
    var isEventTime: Bool { get }

    /// The trigger Flink uses by default for this assigner.
    var defaultTrigger: DefaultTrigger { get }

    /// Whether this assigner's windows merge (``MergingWindowAssigner``); false by default.
    var isMerging: Bool { get }

    /// Calls `merge(toBeMerged, mergeResult)` for each group of `windows` that merge; only
    /// merging assigners merge (a requirement here, so operators generic over the assigner
    /// call it specialised rather than through an existential).
    func mergeWindows(_ windows: [W], _ merge: ([W], W) throws -> Void) rethrows
}

extension WindowAssigner {
    @inlinable public var isMerging: Bool { false }
    @inlinable public func mergeWindows(_ windows: [W], _ merge: ([W], W) throws -> Void) rethrows {}
}

/// A ``WindowAssigner`` whose windows can merge, such as session windows (Flink's `MergingWindowAssigner`).
public protocol MergingWindowAssigner<W>: WindowAssigner {
    /// Flink's mergeWindows: calls `merge(toBeMerged, mergeResult)` for each group of windows that merge.
    func mergeWindows(_ windows: [W], _ merge: ([W], W) throws -> Void) rethrows
}

extension MergingWindowAssigner {
    @inlinable public var isMerging: Bool { true }
}
