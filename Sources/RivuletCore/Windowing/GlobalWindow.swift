// Flink's GlobalWindow: the single window that holds every element of a key.

/// The one window that contains all elements, as used by ``GlobalWindows``; all instances are equal.
public struct GlobalWindow: Window, Codable, CustomStringConvertible {
    /// Creates the global window (all instances are equal).
    @inlinable
    public init() {}

    /// Writes nothing: there is one global window.
    @inlinable public func encode(to writer: inout BinaryWriter) {}

    /// Reads nothing.
    @inlinable public init(from reader: inout BinaryReader) throws {}

    /// The shared global window (Flink's `GlobalWindow.get()`).
    public static let shared = GlobalWindow()

    /// `Int64.max`: the global window never ends.
    @inlinable
    public var maxTimestamp: Int64 { Int64.max }

    /// `GlobalWindow`.
    public var description: String { "GlobalWindow" }
}
