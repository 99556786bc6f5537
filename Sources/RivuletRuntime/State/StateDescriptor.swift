// Descriptors that name a keyed state and its type, as in Flink's StateDescriptor classes.

import RivuletCore

/// Describes a `ValueState<V>`.
public struct ValueStateDescriptor<V: BinaryCodable>: Sendable {
    public let name: String
    public let ttl: StateTtlConfig?
    public init(_ name: String, ttl: StateTtlConfig? = nil) {
        self.name = name
        self.ttl = ttl
    }
}

/// Describes a `ListState<T>` (TTL applies to each element).
public struct ListStateDescriptor<T: BinaryCodable>: Sendable {
    public let name: String
    public let ttl: StateTtlConfig?
    public init(_ name: String, ttl: StateTtlConfig? = nil) {
        self.name = name
        self.ttl = ttl
    }
}

/// Describes a `MapState<UK, UV>` (TTL applies to each entry).
public struct MapStateDescriptor<UK: Hashable & BinaryCodable, UV: BinaryCodable>: Sendable {
    public let name: String
    public let ttl: StateTtlConfig?
    public init(_ name: String, ttl: StateTtlConfig? = nil) {
        self.name = name
        self.ttl = ttl
    }
}

/// Describes a `ReducingState<T>`: values added are combined with `reduce`.
public struct ReducingStateDescriptor<T: BinaryCodable>: Sendable {
    public let name: String
    public let ttl: StateTtlConfig?
    public let reduce: @Sendable (T, T) throws -> T
    public init(_ name: String, ttl: StateTtlConfig? = nil, reduce: @escaping @Sendable (T, T) throws -> T) {
        self.name = name
        self.ttl = ttl
        self.reduce = reduce
    }
}

/// Describes an `AggregatingState<In, Out>` driven by an `AggregateFunction`.
public struct AggregatingStateDescriptor<F: AggregateFunction>: Sendable where F.Accumulator: BinaryCodable {
    public let name: String
    public let ttl: StateTtlConfig?
    public let function: F
    public init(_ name: String, function: F, ttl: StateTtlConfig? = nil) {
        self.name = name
        self.ttl = ttl
        self.function = function
    }
}

/// Adds values to an accumulator and reads a result from it (Flink's AggregateFunction).
public protocol AggregateFunction: Sendable {
    associatedtype Input
    associatedtype Accumulator
    associatedtype Result
    func createAccumulator() -> Accumulator
    func add(_ value: Input, to accumulator: inout Accumulator) throws
    func result(_ accumulator: Accumulator) throws -> Result
    /// Merges two accumulators: of session windows that merge, and of the slices a sliding
    /// window is made of (`pipeline.window-slicing`).
    func merge(_ a: Accumulator, _ b: Accumulator) throws -> Accumulator
}
