// Functions over two connected streams (Flink's CoProcessFunction and KeyedCoProcessFunction).

/// Processes the elements of two connected (non-keyed) streams.
public protocol CoProcessFunction: SendableMetatype {
    associatedtype Input1: Sendable
    associatedtype Input2: Sendable
    associatedtype Output: Sendable
    mutating func open(_ context: RuntimeContext) throws
    mutating func processElement1(_ value: Input1, _ context: ProcessContext, _ out: Collector<Output>) throws
    mutating func processElement2(_ value: Input2, _ context: ProcessContext, _ out: Collector<Output>) throws
    mutating func close() throws
}

extension CoProcessFunction {
    public mutating func open(_ context: RuntimeContext) throws {}
    public mutating func close() throws {}
}

/// Processes the elements of two streams keyed by the same key type, sharing keyed state and timers.
public protocol KeyedCoProcessFunction: SendableMetatype {
    associatedtype Key: StreamKey
    associatedtype Input1: Sendable
    associatedtype Input2: Sendable
    associatedtype Output: Sendable
    mutating func open(_ context: KeyedRuntimeContext<Key>) throws
    mutating func processElement1(_ value: Input1, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws
    mutating func processElement2(_ value: Input2, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws
    mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws
    mutating func close() throws
}

extension KeyedCoProcessFunction {
    public mutating func open(_ context: KeyedRuntimeContext<Key>) throws {}
    public mutating func onTimer(_ timestamp: Int64, _ context: KeyedContext<Key>, _ out: Collector<Output>) throws {}
    public mutating func close() throws {}
}
