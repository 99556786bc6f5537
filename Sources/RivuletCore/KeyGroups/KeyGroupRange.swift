// A contiguous, half-open range of key groups: the slice of keyed state one subtask owns.

/// The key groups `[startKeyGroup, endKeyGroup)` owned by one subtask. All empty ranges are
/// normalised to `KeyGroupRange.empty`, so equality means "same set of key groups".
public struct KeyGroupRange: Hashable, Sendable, Codable, CustomStringConvertible, Sequence {
    /// The first key group in the range.
    public let startKeyGroup: Int
    /// One past the last key group in the range.
    public let endKeyGroup: Int

    /// The range `[startKeyGroup, endKeyGroup)`; `endKeyGroup <= startKeyGroup` gives `.empty`.
    /// `startKeyGroup` must not be negative.
    @inlinable
    public init(startKeyGroup: Int, endKeyGroup: Int) {
        precondition(startKeyGroup >= 0, "KeyGroupRange start must be >= 0, got \(startKeyGroup)")
        if endKeyGroup <= startKeyGroup {
            self.startKeyGroup = 0
            self.endKeyGroup = 0
        } else {
            self.startKeyGroup = startKeyGroup
            self.endKeyGroup = endKeyGroup
        }
    }

    /// The range holding the key groups of `range` (which must not contain negative values).
    @inlinable
    public init(_ range: Range<Int>) {
        self.init(startKeyGroup: range.lowerBound, endKeyGroup: range.upperBound)
    }

    /// The range with no key groups.
    public static let empty = KeyGroupRange(startKeyGroup: 0, endKeyGroup: 0)

    /// The number of key groups in the range.
    @inlinable public var count: Int { endKeyGroup - startKeyGroup }

    /// Whether the range holds no key group.
    @inlinable public var isEmpty: Bool { endKeyGroup == startKeyGroup }

    /// The key groups as a `Range<Int>`.
    @inlinable public var keyGroups: Range<Int> { startKeyGroup..<endKeyGroup }

    /// Whether `keyGroup` is in the range (O(1)).
    @inlinable
    public func contains(_ keyGroup: Int) -> Bool {
        keyGroup >= startKeyGroup && keyGroup < endKeyGroup
    }

    /// The key groups in both ranges.
    @inlinable
    public func intersection(_ other: KeyGroupRange) -> KeyGroupRange {
        KeyGroupRange(
            startKeyGroup: Swift.max(startKeyGroup, other.startKeyGroup),
            endKeyGroup: Swift.min(endKeyGroup, other.endKeyGroup))
    }

    /// Iterates the key groups in ascending order.
    @inlinable
    public func makeIterator() -> Range<Int>.Iterator { keyGroups.makeIterator() }

    /// The exact count, so collections built from the range reserve once.
    @inlinable public var underestimatedCount: Int { count }

    /// `KeyGroupRange{start=a, end=b}` (end exclusive).
    public var description: String { "KeyGroupRange{start=\(startKeyGroup), end=\(endKeyGroup)}" }

    private enum CodingKeys: String, CodingKey { case startKeyGroup, endKeyGroup }

    /// Decodes and validates a range; a negative start or an inverted range throws.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let start = try c.decode(Int.self, forKey: .startKeyGroup)
        let end = try c.decode(Int.self, forKey: .endKeyGroup)
        guard start >= 0, end >= start else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "invalid KeyGroupRange [\(start), \(end)): need 0 <= start <= end"))
        }
        self.init(startKeyGroup: start, endKeyGroup: end)
    }

    /// Encodes the start and (exclusive) end.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startKeyGroup, forKey: .startKeyGroup)
        try c.encode(endKeyGroup, forKey: .endKeyGroup)
    }
}

extension KeyGroupRange: BinaryCodable {
    /// Writes the start and end as two varints.
    @inlinable
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(startKeyGroup))
        writer.writeVarUInt(UInt64(endKeyGroup))
    }

    /// Reads a range written by `encode(to:)`; an inverted or oversized range throws.
    @inlinable
    public init(from reader: inout BinaryReader) throws {
        let start = try reader.readVarUInt()
        let end = try reader.readVarUInt()
        guard start <= end, end <= UInt64(KeyGroupRangeAssignment.upperBoundMaxParallelism) else {
            throw SerializationError.invalidValue(
                "invalid KeyGroupRange [\(start), \(end)): need start <= end <= \(KeyGroupRangeAssignment.upperBoundMaxParallelism)")
        }
        self.init(startKeyGroup: Int(start), endKeyGroup: Int(end))
    }
}
