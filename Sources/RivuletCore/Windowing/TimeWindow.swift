// Flink's TimeWindow: a half-open interval [start, end) of event or processing time, plus window maths.

/// A window covering the half-open time interval `[start, end)` in milliseconds, as in Flink's `TimeWindow`.
///
/// Ordered by `start`, then `end`.
public struct TimeWindow: Window, Comparable, Codable, CustomStringConvertible {
    /// The first timestamp in the window (inclusive).
    public let start: Int64
    /// The end of the window (exclusive).
    public let end: Int64

    /// Creates the window `[start, end)`.
    @inlinable
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Writes `start` and `end` as two 8-byte integers (as Flink's TimeWindow serializer
    /// does); windows are state namespaces, encoded in every state key of a window operator.
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(start)
        writer.writeInt64(end)
    }

    /// Reads a window written by `encode(to:)`.
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        start = try reader.readInt64()
        end = try reader.readInt64()
    }

    /// The largest timestamp in the window: `end - 1`.
    @inlinable
    public var maxTimestamp: Int64 { end &- 1 }

    @inlinable
    public static func == (a: TimeWindow, b: TimeWindow) -> Bool { a.start == b.start && a.end == b.end }

    // Written out so hashing inlines into specialised window code in other modules.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(start)
        hasher.combine(end)
    }

    /// True if the two windows overlap or are adjacent (Flink: `start <= other.end && end >= other.start`).
    @inlinable
    public func intersects(_ other: TimeWindow) -> Bool {
        start <= other.end && end >= other.start
    }

    /// The smallest window containing both windows.
    @inlinable
    public func cover(_ other: TimeWindow) -> TimeWindow {
        TimeWindow(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }

    /// Orders windows by start, then by end.
    @inlinable
    public static func < (lhs: TimeWindow, rhs: TimeWindow) -> Bool {
        lhs.start != rhs.start ? lhs.start < rhs.start : lhs.end < rhs.end
    }

    /// Flink's rendering: `TimeWindow{start=0, end=10}`.
    public var description: String { "TimeWindow{start=\(start), end=\(end)}" }

    /// The start of the window of length `windowSize`, shifted by `offset`, that contains `timestamp`
    /// (Flink's `getWindowStartWithOffset`, correct for negative timestamps).
    ///
    /// `windowSize` must be positive; for `windowSize <= 0` the timestamp itself is returned.
    /// Arithmetic wraps like Java's `long` rather than trapping.
    @inlinable
    public static func windowStart(timestamp: Int64, offset: Int64, windowSize: Int64) -> Int64 {
        guard windowSize > 0 else { return timestamp }
        let remainder = (timestamp &- offset) % windowSize
        return remainder < 0 ? timestamp &- (remainder &+ windowSize) : timestamp &- remainder
    }

    /// Flink's `TimeWindow.mergeWindows`: sorts the windows by start and merges runs of intersecting windows.
    ///
    /// Only groups of more than one distinct window are returned (exact duplicates count once, as with
    /// Flink's `HashSet`), each with the covering window and the distinct windows it was made from, in start order.
    public static func mergeWindows(_ windows: [TimeWindow]) -> [(merged: TimeWindow, from: [TimeWindow])] {
        var result: [(merged: TimeWindow, from: [TimeWindow])] = []
        mergeWindows(windows) { from, merged in result.append((merged: merged, from: from)) }
        return result
    }

    /// Callback form of ``mergeWindows(_:)``: calls `merge(from, merged)` for each group of more than one distinct window.
    @inlinable
    public static func mergeWindows(_ windows: [TimeWindow], _ merge: ([TimeWindow], TimeWindow) throws -> Void) rethrows {
        guard windows.count > 1 else { return }
        let sorted = windows.sorted()
        var current = sorted[0]
        var members: [TimeWindow] = [current]
        for candidate in sorted.dropFirst() {
            if current.intersects(candidate) {
                current = current.cover(candidate)
                if !members.contains(candidate) { members.append(candidate) }
            } else {
                if members.count > 1 { try merge(members, current) }
                current = candidate
                members = [candidate]
            }
        }
        if members.count > 1 { try merge(members, current) }
    }
}
