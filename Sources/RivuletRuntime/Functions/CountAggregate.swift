// The count of a window's (or a key's) elements, as an AggregateFunction.

/// Counts elements (`.window(...).aggregate(CountAggregate<T>())`).
public struct CountAggregate<T>: AggregateFunction {
    public init() {}
    @inlinable public func createAccumulator() -> Int { 0 }
    @inlinable public func add(_ value: T, to accumulator: inout Int) throws { accumulator += 1 }
    @inlinable public func result(_ accumulator: Int) throws -> Int { accumulator }
    @inlinable public func merge(_ a: Int, _ b: Int) throws -> Int { a + b }
}
