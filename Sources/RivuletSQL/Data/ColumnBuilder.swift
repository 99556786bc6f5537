// Builds the columns of a batch one row at a time (what sources do).

/// Appends values row by row into typed arrays. A ROW column has a builder per field; a
/// skipped column (one no query reads) takes no values and finishes as all NULL.
public struct ColumnBuilder: Sendable {
    public let kind: PhysicalKind
    /// Nobody reads the column: appends are ignored.
    public let skipped: Bool
    public var bools: [Bool] = []
    public var ints: [Int64] = []
    public var doubles: [Double] = []
    public var strings: [String] = []
    public var fields: [ColumnBuilder] = []
    public var validity: [Bool] = []
    @usableFromInline var hasNull = false
    public var count = 0

    /// A builder for `kind`; `read` says which fields of a ROW are read (nil: all).
    public init(_ kind: PhysicalKind, skipped: Bool = false, readFields: Set<Int>? = nil) {
        self.kind = kind
        self.skipped = skipped
        if case .row(let kinds) = kind {
            fields = kinds.enumerated().map { ColumnBuilder($1, skipped: skipped || !(readFields?.contains($0) ?? true)) }
        }
    }

    @inlinable public mutating func append(int value: Int64) {
        guard !skipped else { return }
        ints.append(value)
        markValid()
    }
    @inlinable public mutating func append(double value: Double) {
        guard !skipped else { return }
        doubles.append(value)
        markValid()
    }
    @inlinable public mutating func append(bool value: Bool) {
        guard !skipped else { return }
        bools.append(value)
        markValid()
    }
    @inlinable public mutating func append(string value: String) {
        guard !skipped else { return }
        strings.append(value)
        markValid()
    }

    /// Marks a ROW value as present after its fields were appended.
    @inlinable public mutating func appendRow() {
        guard !skipped else { return }
        markValid()
    }

    @usableFromInline mutating func markValid() {
        validity.append(true)
        count += 1
    }

    /// Appends NULL (for a ROW: NULL in every field too).
    public mutating func appendNull() {
        guard !skipped else { return }
        switch kind {
        case .bool: bools.append(false)
        case .int: ints.append(0)
        case .double: doubles.append(0)
        case .string: strings.append("")
        case .row: for i in fields.indices { fields[i].appendNull() }
        }
        validity.append(false)
        hasNull = true
        count += 1
    }

    /// The vector of the `rows` appended, and an empty builder again.
    public mutating func finish(rows: Int) -> ColumnVector {
        guard !skipped else { return .nulls(rows) }
        let valid = hasNull ? validity : nil
        let vector: ColumnVector
        switch kind {
        case .bool: vector = ColumnVector(.bool(bools), validity: valid, count: count)
        case .int: vector = ColumnVector(.int(ints), validity: valid, count: count)
        case .double: vector = ColumnVector(.double(doubles), validity: valid, count: count)
        case .string: vector = ColumnVector(.string(strings), validity: valid, count: count)
        case .row:
            let children = fields.indices.map { fields[$0].finish(rows: rows) }
            vector = ColumnVector(.row(children), validity: valid, count: count)
        }
        bools = []
        ints = []
        doubles = []
        strings = []
        validity = []
        hasNull = false
        count = 0
        return vector
    }
}
