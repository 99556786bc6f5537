// A function over each element of a non-keyed stream, with side outputs (Flink's ProcessFunction).

/// Processes each element of a (non-keyed) stream; may emit any number of results.
public protocol ProcessFunction: SendableMetatype {
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    mutating func open(_ context: RuntimeContext) throws
    mutating func processElement(_ value: Input, _ context: ProcessContext, _ out: Collector<Output>) throws
    mutating func close() throws
}

extension ProcessFunction {
    public mutating func open(_ context: RuntimeContext) throws {}
    public mutating func close() throws {}
}

/// The context of one element in a `ProcessFunction`.
public final class ProcessContext {
    @exclusivity(unchecked) @usableFromInline var _timestamp: Int64?
    @exclusivity(unchecked) @usableFromInline var _currentWatermark: Int64
    @usableFromInline let side: (String, Any, Int64) throws -> Void
    @usableFromInline let processingTime: ProcessingTimeService

    /// The element's timestamp, or nil.
    public var timestamp: Int64? { _timestamp }
    /// The last watermark the operator saw.
    public var currentWatermark: Int64 { _currentWatermark }

    @usableFromInline
    init(side: @escaping (String, Any, Int64) throws -> Void, processingTime: ProcessingTimeService) {
        self.side = side
        self.processingTime = processingTime
        self._currentWatermark = Int64.min
    }

    public var currentProcessingTime: Int64 { processingTime.currentTime() }

    /// Emits `value` to the side output `tag`.
    @inlinable
    public func output<X>(_ tag: OutputTag<X>, _ value: X) throws {
        try side(tag.id, value, _timestamp ?? Int64.min)
    }
}
