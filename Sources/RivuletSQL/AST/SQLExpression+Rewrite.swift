// Rewriting parsed expressions: replace subexpressions, top down.

extension SQLExpression {
    /// This expression with every subexpression for which `replace` returns a value replaced
    /// by it (and not looked into further); `replace` sees each node before its children.
    public func rewritten(_ replace: (SQLExpression) throws -> SQLExpression?) rethrows -> SQLExpression {
        if let r = try replace(self) { return r }
        func go(_ e: SQLExpression) throws -> SQLExpression { try e.rewritten(replace) }
        switch self {
        case .literal, .identifier, .star, .tableArgument, .descriptor: return self
        case .unary(let op, let e, let p): return .unary(op: op, try go(e), p)
        case .binary(let op, let a, let b, let p): return .binary(op: op, try go(a), try go(b), p)
        case .isTest(let e, let test, let negated, let p): return .isTest(try go(e), test: test, negated: negated, p)
        case .inList(let e, let list, let negated, let p): return .inList(try go(e), try list.map(go), negated: negated, p)
        case .between(let e, let low, let high, let negated, let p):
            return .between(try go(e), low: try go(low), high: try go(high), negated: negated, p)
        case .like(let e, let pattern, let negated, let p): return .like(try go(e), pattern: try go(pattern), negated: negated, p)
        case .caseWhen(let operand, let branches, let otherwise, let p):
            return .caseWhen(
                operand: try operand.map(go), branches: try branches.map { (when: try go($0.when), then: try go($0.then)) },
                otherwise: try otherwise.map(go), p)
        case .cast(let e, let type, let p): return .cast(try go(e), type, p)
        case .extract(let unit, let e, let p): return .extract(unit: unit, try go(e), p)
        case .call(var call):
            call.arguments = try call.arguments.map(go)
            call.filter = try call.filter.map(go)
            return .call(call)
        }
    }

    /// Every subexpression, this one first.
    public func visit(_ body: (SQLExpression) throws -> Void) rethrows {
        _ = try rewritten { e in
            try body(e)
            return nil
        }
    }
}
