// Builds the columns of a batch one row at a time (what sources do).

/// Appends values row by row into typed arrays. A ROW column has a builder per field; a
/// skipped column (one no query reads) takes no values and finishes as all NULL. A ROW
/// value's fields are appended to `fields`, then `appendRow()` marks the value present; a NULL
/// ROW puts a placeholder in each read field (the ROW's validity hides it), so every field
/// has a value per row and nothing is moved at `finish`.
public struct ColumnBuilder: Sendable {
    public let kind: PhysicalKind
    /// `kind` without its payload (0 bool, 1 int, 2 double, 3 string, 4 row), so the per-row
    /// paths switch on a byte rather than an indirect enum.
    @usableFromInline let tag: UInt8
    /// Nobody reads the column: appends are ignored.
    public let skipped: Bool
    public var bools: [Bool] = []
    public var ints: [Int64] = []
    public var doubles: [Double] = []
    public var strings: [String] = []
    public var fields: [ColumnBuilder] = []
    /// The fields of a ROW that are read (the others take no values).
    @usableFromInline var readFields: [Int] = []
    /// The rows appended as NULL (the validity array is made from them at `finish`, and only
    /// when there is one).
    @usableFromInline var nullRows: [Int] = []
    public var count = 0
    /// A ROW's leading NULL rows not given to its fields yet: a ROW column that is NULL in a
    /// whole batch (a Nexmark kind the batch does not hold) costs a count, not a placeholder
    /// per field and row. `beginRow()` writes them out before the first present value.
    @usableFromInline var pendingNulls = 0
    @usableFromInline var rowsBegun = false

    /// A builder for `kind`; `readFields` says which fields of a ROW are read (nil: all).
    public init(_ kind: PhysicalKind, skipped: Bool = false, readFields: Set<Int>? = nil) {
        self.kind = kind
        self.skipped = skipped
        switch kind {
        case .bool: tag = 0
        case .int: tag = 1
        case .double: tag = 2
        case .string: tag = 3
        case .row: tag = 4
        }
        if case .row(let kinds) = kind {
            fields = kinds.enumerated().map { ColumnBuilder($1, skipped: skipped || !(readFields?.contains($0) ?? true)) }
            self.readFields = fields.indices.filter { !fields[$0].skipped }
        }
    }

    @inlinable public mutating func append(int value: Int64) {
        guard !skipped else { return }
        ints.append(value)
        count += 1
    }
    @inlinable public mutating func append(double value: Double) {
        guard !skipped else { return }
        doubles.append(value)
        count += 1
    }
    @inlinable public mutating func append(bool value: Bool) {
        guard !skipped else { return }
        bools.append(value)
        count += 1
    }
    @inlinable public mutating func append(string value: String) {
        guard !skipped else { return }
        strings.append(value)
        count += 1
    }

    /// Starts a present ROW value: call before appending its fields.
    @inlinable public mutating func beginRow() {
        guard !skipped, !rowsBegun else { return }
        rowsBegun = true
        for r in 0..<pendingNulls {
            nullRows.append(r)
            for i in readFields { fields[i].appendPlaceholder() }
        }
        pendingNulls = 0
    }

    /// Marks a ROW value as present after its fields were appended.
    @inlinable public mutating func appendRow() {
        guard !skipped else { return }
        count += 1
    }

    /// Appends NULL.
    @inlinable
    public mutating func appendNull() {
        guard !skipped else { return }
        if tag == 4 && !rowsBegun {
            pendingNulls += 1
            count += 1
            return
        }
        nullRows.append(count)
        appendPlaceholder()
    }

    /// A value that stands for nothing: the row is NULL here or in the ROW around it.
    @inlinable
    mutating func appendPlaceholder() {
        guard !skipped else { return }
        switch tag {
        case 0: bools.append(false)
        case 1: ints.append(0)
        case 2: doubles.append(0)
        case 3: strings.append("")
        default:
            beginRow()
            for i in readFields { fields[i].appendPlaceholder() }
        }
        count += 1
    }

    /// Drops the values appended after the first `rows` (a row that turned out bad).
    public mutating func truncate(to rows: Int) {
        guard !skipped, rows < count else { return }
        switch tag {
        case 0: bools.removeLast(count - rows)
        case 1: ints.removeLast(count - rows)
        case 2: doubles.removeLast(count - rows)
        case 3: strings.removeLast(count - rows)
        default: for i in readFields { fields[i].truncate(to: rows) }
        }
        while let last = nullRows.last, last >= rows { nullRows.removeLast() }
        if tag == 4 && !rowsBegun { pendingNulls = min(pendingNulls, rows) }
        count = rows
    }

    /// The vector of the `rows` appended, and an empty builder again.
    public mutating func finish(rows: Int) -> ColumnVector {
        guard !skipped else { return .nulls(rows) }
        if tag == 4 && !rowsBegun {
            pendingNulls = 0
            count = 0
            return .nulls(rows)
        }
        var valid: [Bool]?
        if !nullRows.isEmpty {
            var v = [Bool](repeating: true, count: count)
            for r in nullRows { v[r] = false }
            valid = v
        }
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
        nullRows = []
        count = 0
        rowsBegun = false
        return vector
    }
}
