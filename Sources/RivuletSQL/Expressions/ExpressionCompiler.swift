// Turns a typed expression into a function over whole batches: each operator is one loop over
// the primitive arrays of its operands.

import Foundation

/// Evaluates an expression for every row of a batch at once.
public typealias VectorEvaluator = @Sendable (RowBatch) throws -> ColumnVector

/// A compiled expression: its evaluator, and its value when it is the same for every row.
struct CompiledExpression: Sendable {
    let constant: ScalarValue?
    let evaluate: VectorEvaluator

    init(constant: ScalarValue) {
        self.constant = constant
        evaluate = { batch in ColumnVector.constant(constant, count: batch.count) }
    }

    init(_ evaluate: @escaping VectorEvaluator) {
        constant = nil
        self.evaluate = evaluate
    }

    /// The operand of a batch as an `int` column.
    func ints(_ batch: RowBatch) throws -> VectorOperand<Int64> {
        if let constant {
            if case .int(let v) = constant { return .constant(v) }
            return .null
        }
        return try .of(evaluate(batch), \.ints)
    }
    func doubles(_ batch: RowBatch) throws -> VectorOperand<Double> {
        if let constant {
            if case .double(let v) = constant { return .constant(v) }
            return .null
        }
        return try .of(evaluate(batch), \.doubles)
    }
    func bools(_ batch: RowBatch) throws -> VectorOperand<Bool> {
        if let constant {
            if case .bool(let v) = constant { return .constant(v) }
            return .null
        }
        return try .of(evaluate(batch), \.bools)
    }
    func strings(_ batch: RowBatch) throws -> VectorOperand<String> {
        if let constant {
            if case .string(let v) = constant { return .constant(v) }
            return .null
        }
        return try .of(evaluate(batch), \.strings)
    }
}

extension ColumnVector {
    /// `value` repeated `count` times.
    static func constant(_ value: ScalarValue, count: Int) -> ColumnVector {
        switch value {
        case .null: return .nulls(count)
        case .bool(let b): return .bools([Bool](repeating: b, count: count))
        case .int(let i): return .ints([Int64](repeating: i, count: count))
        case .double(let d): return .doubles([Double](repeating: d, count: count))
        case .string(let s): return .strings([String](repeating: s, count: count))
        }
    }

    /// Row `i` as a constant.
    func scalar(_ i: Int) -> ScalarValue {
        if isNull(i) { return .null }
        switch storage {
        case .bool(let a): return .bool(a[i])
        case .int(let a): return .int(a[i])
        case .double(let a): return .double(a[i])
        case .string(let a): return .string(a[i])
        case .row, .null: return .null
        }
    }
}

/// Compiles typed expressions into vectorised evaluators.
public enum ExpressionCompiler {
    /// The evaluator of `expression`.
    public static func compile(_ expression: TypedExpression) throws -> VectorEvaluator {
        try compiled(expression).evaluate
    }

    static func compiled(_ e: TypedExpression) throws -> CompiledExpression {
        if case .literal(let v, _) = e { return CompiledExpression(constant: v) }
        let result = try compileNode(e)
        // Fold constants once, here, rather than for every batch.
        if e.isConstant {
            let one = try result.evaluate(RowBatch(columns: [], count: 1))
            return CompiledExpression(constant: one.scalar(0))
        }
        return result
    }

    static func compileNode(_ e: TypedExpression) throws -> CompiledExpression {
        switch e {
        case .literal(let v, _): return CompiledExpression(constant: v)
        case .column(let index, _, _): return CompiledExpression { $0.columns[index] }
        case .field(let base, let index, _, _):
            let b = try compiled(base)
            return CompiledExpression { batch in
                let row = try b.evaluate(batch)
                guard case .row(let fields) = row.storage else { return .nulls(batch.count) }
                var f = fields[index]
                if let parent = row.validity, !f.storage.isNull { f.validity = bothValid(f.validity, parent) }
                return f
            }
        case .cast(let inner, let type): return try CastCompiler.cast(try compiled(inner), from: inner.type, to: type)
        case .call(let op, let args, let type): return try compileCall(op, args, type)
        }
    }

    static func compileCall(_ op: ScalarOperator, _ args: [TypedExpression], _ type: SQLDataType) throws -> CompiledExpression {
        let compiledArgs = try args.map { try compiled($0) }
        switch op {
        case .add, .subtract, .multiply, .divide, .modulo:
            return try Arithmetic.binary(op, compiledArgs[0], compiledArgs[1], operandType: args[0].type, rightType: args[1].type, result: type)
        case .negate: return try Arithmetic.negate(compiledArgs[0], type: type)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return try Comparison.compare(op, compiledArgs[0], compiledArgs[1], type: args[0].type)
        case .and, .or: return Logic.connective(op == .and, compiledArgs)
        case .not: return Logic.not(compiledArgs[0])
        case .isNull, .isNotNull, .isTrue, .isNotTrue, .isFalse, .isNotFalse: return Logic.test(op, compiledArgs[0])
        case .caseWhen:
            var reads: [Int: Set<Int>?] = [:]
            for a in args { a.reads(into: &reads) }
            let results = args.enumerated().filter { i, _ in i % 2 == 1 || i == args.count - 1 }.map(\.element)
            return Conditional.caseWhen(compiledArgs, type: type, reads: reads, safe: results.allSatisfy(\.cannotFail))
        case .coalesce: return Conditional.coalesce(compiledArgs, type: type)
        case .inList(let negated):
            return try Comparison.inList(compiledArgs[0], Array(compiledArgs.dropFirst()), type: args[0].type, negated: negated)
        case .like(let negated):
            guard case .string(let pattern)? = compiledArgs[1].constant else {
                throw SQLRuntimeError("the pattern of LIKE must be a constant string")
            }
            return Comparison.like(compiledArgs[0], pattern: pattern, negated: negated)
        case .concat: return ScalarFunctions.concat(compiledArgs)
        case .function(let name): return try ScalarFunctions.compile(name, compiledArgs, argumentTypes: args.map(\.type), result: type)
        }
    }
}
