// The operands of a vectorised operation: a whole column, or one constant for every row.

/// An operand as the loops see it: an array with its validity, one value, or NULL for all rows.
enum VectorOperand<T> {
    case vector([T], [Bool]?)
    case constant(T)
    case null

    /// The operand of `vector`, with `values` extracting its array (nil: a storage of another kind).
    static func of(_ vector: ColumnVector, _ values: (ColumnVector.Storage) -> [T]?) throws -> VectorOperand<T> {
        if case .null = vector.storage { return .null }
        guard let array = values(vector.storage) else { throw SQLRuntimeError("internal: a column vector of an unexpected kind") }
        return .vector(array, vector.validity)
    }
}

/// The validity of rows where both `a` and `b` are valid (nil: all valid).
@inline(__always)
func bothValid(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
    guard let a else { return b }
    guard let b else { return a }
    var out = a
    for i in out.indices where !b[i] { out[i] = false }
    return out
}

/// `f` applied row by row to two operands; nil when the result is NULL for every row.
@inline(__always)
func zipOperands<T, R>(_ a: VectorOperand<T>, _ b: VectorOperand<T>, count n: Int, _ f: (T, T) throws -> R) rethrows -> ([R], [Bool]?)? {
    switch (a, b) {
    case (.null, _), (_, .null): return nil
    case (.vector(let x, let vx), .vector(let y, let vy)):
        var out = [R]()
        out.reserveCapacity(n)
        for i in 0..<n { out.append(try f(x[i], y[i])) }
        return (out, bothValid(vx, vy))
    case (.vector(let x, let vx), .constant(let c)):
        var out = [R]()
        out.reserveCapacity(n)
        for i in 0..<n { out.append(try f(x[i], c)) }
        return (out, vx)
    case (.constant(let c), .vector(let y, let vy)):
        var out = [R]()
        out.reserveCapacity(n)
        for i in 0..<n { out.append(try f(c, y[i])) }
        return (out, vy)
    case (.constant(let c), .constant(let d)):
        let r = try f(c, d)
        return ([R](repeating: r, count: n), nil)
    }
}

/// `f` applied row by row to one operand, skipping NULL rows (whose result is `filler`).
@inline(__always)
func mapOperand<T, R>(_ a: VectorOperand<T>, count n: Int, filler: R, _ f: (T) throws -> R) rethrows -> ([R], [Bool]?)? {
    switch a {
    case .null: return nil
    case .constant(let c): return ([R](repeating: try f(c), count: n), nil)
    case .vector(let x, let valid):
        var out = [R]()
        out.reserveCapacity(n)
        if let valid {
            for i in 0..<n { out.append(valid[i] ? try f(x[i]) : filler) }
        } else {
            for i in 0..<n { out.append(try f(x[i])) }
        }
        return (out, valid)
    }
}

extension ColumnVector.Storage {
    var ints: [Int64]? {
        if case .int(let a) = self { return a }
        return nil
    }
    var doubles: [Double]? {
        if case .double(let a) = self { return a }
        return nil
    }
    var bools: [Bool]? {
        if case .bool(let a) = self { return a }
        return nil
    }
    var strings: [String]? {
        if case .string(let a) = self { return a }
        return nil
    }
}
