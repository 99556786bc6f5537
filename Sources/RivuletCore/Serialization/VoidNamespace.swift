// The namespace of keyed state that is not scoped to a window.

/// The namespace of state that is not scoped to a window: a unit value encoded in zero bytes.
public struct VoidNamespace: Hashable, Sendable, BinaryCodable, CustomStringConvertible {
    /// The one value.
    @inlinable public init() {}

    /// Writes nothing.
    @inlinable public func encode(to writer: inout BinaryWriter) {}

    /// Reads nothing.
    @inlinable public init(from reader: inout BinaryReader) throws {}

    /// The hash of zero bytes.
    @inlinable public func keyHash() -> UInt32 { 0 }

    @inlinable public static func == (a: VoidNamespace, b: VoidNamespace) -> Bool { true }

    /// Hashes nothing (inlined, so keyed state pays nothing for its namespace).
    @inlinable public func hash(into hasher: inout Hasher) {}

    /// `VoidNamespace`.
    public var description: String { "VoidNamespace" }
}
