// CASE and COALESCE: each row takes the value of one branch.

/// CASE evaluates each THEN only for the rows whose WHEN chose it (so a branch that would fail
/// on other rows, such as a division guarded by its condition, does not), and then puts the
/// pieces back in row order.
enum Conditional {
    static func caseWhen(_ args: [CompiledExpression], type: SQLDataType, reads: [Int: Set<Int>?], safe: Bool) -> CompiledExpression {
        let kind = type.physicalKind ?? .int
        if safe { return select(args, kind: kind) }
        return CompiledExpression { batch in
            let n = batch.count
            var remaining = Array(0..<n)
            // Gathers below move only the columns the CASE reads.
            var current = batch.pruned(to: reads)
            var pieces: [(rows: [Int], values: ColumnVector)] = []
            var k = 0
            while k + 1 < args.count && !remaining.isEmpty {
                let condition = try args[k].bools(current)
                var chosen: [Int] = [], rest: [Int] = []
                switch condition {
                case .null: rest = Array(0..<current.count)
                case .constant(let c): if c { chosen = Array(0..<current.count) } else { rest = Array(0..<current.count) }
                case .vector(let values, let valid):
                    for i in 0..<current.count {
                        if values[i] && (valid?[i] ?? true) { chosen.append(i) } else { rest.append(i) }
                    }
                }
                if !chosen.isEmpty {
                    if rest.isEmpty {
                        pieces.append((chosen.map { remaining[$0] }, try args[k + 1].evaluate(current)))
                        remaining = []
                        break
                    }
                    pieces.append((chosen.map { remaining[$0] }, try args[k + 1].evaluate(current.gather(chosen))))
                    remaining = rest.map { remaining[$0] }
                    current = current.gather(rest)
                }
                k += 2
            }
            if !remaining.isEmpty { pieces.append((remaining, try args[args.count - 1].evaluate(current))) }
            if pieces.count == 1 && pieces[0].rows.count == n { return pieces[0].values }
            return ColumnVector.assemble(pieces, count: n, kind: kind)
        }
    }

    /// CASE whose results cannot fail (columns, fields, constants): every result is evaluated
    /// for the whole batch and each row picks its branch's value, with no gathering.
    static func select(_ args: [CompiledExpression], kind: PhysicalKind) -> CompiledExpression {
        CompiledExpression { batch in
            let n = batch.count
            // The branch of each row (the ELSE is the last).
            let otherwise = args.count / 2
            var branch = [Int](repeating: otherwise, count: n)
            var open = n
            var k = 0
            while k + 1 < args.count && open > 0 {
                switch try args[k].bools(batch) {
                case .null: break
                case .constant(let c):
                    if c {
                        for i in 0..<n where branch[i] == otherwise { branch[i] = k / 2 }
                        open = 0
                    }
                case .vector(let values, let valid):
                    for i in 0..<n where branch[i] == otherwise && values[i] && (valid?[i] ?? true) {
                        branch[i] = k / 2
                        open -= 1
                    }
                }
                k += 2
            }
            var results: [ColumnVector?] = Array(repeating: nil, count: otherwise + 1)
            var used = [Bool](repeating: false, count: otherwise + 1)
            for b in branch { used[b] = true }
            for b in 0...otherwise where used[b] { results[b] = try args[b == otherwise ? args.count - 1 : 2 * b + 1].evaluate(batch) }
            if let only = used.firstIndex(of: true), used.lastIndex(of: true) == only, let r = results[only] { return r }
            return ColumnVector.choose(results, branch: branch, kind: kind)
        }
    }

    /// The first operand that is not NULL, per row.
    static func coalesce(_ args: [CompiledExpression], type: SQLDataType) -> CompiledExpression {
        let kind = type.physicalKind ?? .int
        return CompiledExpression { batch in
            let n = batch.count
            var remaining = Array(0..<n)
            var pieces: [(rows: [Int], values: ColumnVector)] = []
            for arg in args where !remaining.isEmpty {
                let v = try arg.evaluate(batch)
                let present = remaining.filter { !v.isNull($0) }
                if present.count == n { return v }
                if !present.isEmpty {
                    pieces.append((present, v.gather(present)))
                    remaining = remaining.filter { v.isNull($0) }
                }
            }
            if !remaining.isEmpty { pieces.append((remaining, .nulls(remaining.count))) }
            return ColumnVector.assemble(pieces, count: n, kind: kind)
        }
    }
}

extension ColumnVector {
    /// Row i of `choices[branch[i]]`, for every row.
    static func choose(_ choices: [ColumnVector?], branch: [Int], kind: PhysicalKind) -> ColumnVector {
        let n = branch.count
        var validity = [Bool](repeating: true, count: n)
        var anyNull = false
        for i in 0..<n {
            guard let c = choices[branch[i]], !c.isNull(i) else {
                validity[i] = false
                anyNull = true
                continue
            }
        }
        let valid = anyNull ? validity : nil
        func pick<T>(_ zero: T, _ values: (ColumnVector.Storage) -> [T]?) -> [T] {
            let arrays = choices.map { $0.flatMap { values($0.storage) } }
            var out = [T]()
            out.reserveCapacity(n)
            for i in 0..<n { out.append(arrays[branch[i]]?[i] ?? zero) }
            return out
        }
        switch kind {
        case .bool: return ColumnVector(.bool(pick(false, \.bools)), validity: valid, count: n)
        case .int: return ColumnVector(.int(pick(0, \.ints)), validity: valid, count: n)
        case .double: return ColumnVector(.double(pick(0, \.doubles)), validity: valid, count: n)
        case .string: return ColumnVector(.string(pick("", \.strings)), validity: valid, count: n)
        case .row:
            let rows = Array(0..<n)
            return assemble(
                choices.indices.compactMap { b in
                    let picked = rows.filter { branch[$0] == b }
                    guard !picked.isEmpty else { return nil }
                    return (picked, choices[b]?.gather(picked) ?? .nulls(picked.count))
                }, count: n, kind: kind)
        }
    }

    /// A vector of `count` rows from pieces that each give the values of some rows.
    static func assemble(_ pieces: [(rows: [Int], values: ColumnVector)], count n: Int, kind: PhysicalKind) -> ColumnVector {
        var validity = [Bool](repeating: true, count: n)
        var anyNull = false
        for piece in pieces {
            for (j, row) in piece.rows.enumerated() where piece.values.isNull(j) {
                validity[row] = false
                anyNull = true
            }
        }
        let valid = anyNull ? validity : nil
        func fill<T>(_ zero: T, _ values: (ColumnVector.Storage) -> [T]?) -> [T] {
            var out = [T](repeating: zero, count: n)
            for piece in pieces {
                guard let v = values(piece.values.storage) else { continue }
                for (j, row) in piece.rows.enumerated() { out[row] = v[j] }
            }
            return out
        }
        switch kind {
        case .bool: return ColumnVector(.bool(fill(false, \.bools)), validity: valid, count: n)
        case .int: return ColumnVector(.int(fill(0, \.ints)), validity: valid, count: n)
        case .double: return ColumnVector(.double(fill(0, \.doubles)), validity: valid, count: n)
        case .string: return ColumnVector(.string(fill("", \.strings)), validity: valid, count: n)
        case .row(let kinds):
            let fields = kinds.indices.map { f in
                ColumnVector.assemble(
                    pieces.map { piece in
                        if case .row(let children) = piece.values.storage { return (piece.rows, children[f]) }
                        return (piece.rows, ColumnVector.nulls(piece.rows.count))
                    }, count: n, kind: kinds[f])
            }
            return ColumnVector(.row(fields), validity: valid, count: n)
        }
    }
}
