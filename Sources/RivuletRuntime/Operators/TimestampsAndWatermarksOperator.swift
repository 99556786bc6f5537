// Assigns event timestamps and emits watermarks (periodically and per event) into the stream.

import RivuletCore

/// Flink's TimestampsAndWatermarksOperator: extracts timestamps, drives the watermark
/// generator on every record and every `pipeline.auto-watermark-interval`, and reports idleness.
/// Upstream watermarks are dropped except the final one at the end of input.
public final class TimestampsAndWatermarksOperator<T: Sendable>: OneInputStreamOperator {
    public typealias In = T
    public let output: Output<T>
    @exclusivity(unchecked) @usableFromInline var generator: any WatermarkGenerator
    @exclusivity(unchecked) @usableFromInline var watermarks = WatermarkOutput()
    @usableFromInline let assigner: (@Sendable (T, Int64) -> Int64)?
    @usableFromInline let interval: Int64
    @exclusivity(unchecked) @usableFromInline var idle = false
    @usableFromInline let processingTime: ProcessingTimeService

    @inlinable
    public init(strategy: WatermarkStrategy<T>, context: OperatorContext, output: Output<T>) {
        self.output = output
        self.generator = strategy.makeGenerator()
        self.assigner = strategy.timestampAssigner
        self.interval = context.configuration[PipelineOptions.autoWatermarkInterval].milliseconds
        self.processingTime = context.processingTimeService
    }

    public func open() throws {
        if interval > 0 { schedule() }
    }

    func schedule() {
        processingTime.registerTimer(at: processingTime.currentTime() + interval) { [unowned self] now in
            try self.onPeriodicEmit(now: now)
            self.schedule()
        }
    }

    func onPeriodicEmit(now: Int64) throws {
        generator.onPeriodicEmit(output: &watermarks)
        try drain()
    }

    @inlinable
    public func processElement(_ value: T, timestamp: Int64) throws {
        if idle {
            // A record makes the stream active again before it is emitted.
            idle = false
            try output.status(.active)
        }
        let ts = assigner.map { $0(value, timestamp) } ?? timestamp
        try output.record(value, ts)
        generator.onEvent(timestamp: ts, output: &watermarks)
        if watermarks.hasPending { try drain() }
    }

    @inlinable
    func drain() throws {
        let (watermark, status) = watermarks.take()
        if let status, (status == .idle) != idle {
            idle = status == .idle
            try output.status(status)
        }
        if let watermark { try output.watermark(watermark) }
    }

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
        if watermark == StreamTime.maxWatermark {
            if idle {
                idle = false
                try output.status(.active)
            }
            try output.watermark(watermark)
        }
    }
}
