// What operators hosting non-keyed user functions need: element context, collector, runtime context.

/// The element context, collector and runtime context of one non-keyed operator subtask
/// (shared by the process and co-process operators).
public final class ProcessOperatorServices<Out> {
    public let context: ProcessContext
    public let collector: Collector<Out>
    public let runtime: RuntimeContext

    @inlinable
    public init(operatorContext: OperatorContext, output: Output<Out>) {
        context = ProcessContext(side: output.side, processingTime: operatorContext.processingTimeService)
        collector = Collector(output)
        runtime = RuntimeContext(operatorContext)
    }

    /// Makes `timestamp` the current element's timestamp for context and output.
    @inlinable
    public func setCurrent(timestamp: Int64) {
        collector.timestamp = timestamp
        context._timestamp = timestamp == Int64.min ? nil : timestamp
    }
}
