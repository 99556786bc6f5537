// How a stream gets event timestamps and watermarks (Flink's WatermarkStrategy).

import RivuletCore

/// Creates a watermark generator per subtask and extracts event timestamps.
public struct WatermarkStrategy<T>: Sendable {
    /// Makes the generator of one subtask.
    public let makeGenerator: @Sendable () -> any WatermarkGenerator
    /// The event timestamp of a record given its previous timestamp; nil keeps the record's.
    public let timestampAssigner: (@Sendable (T, Int64) -> Int64)?

    public init(
        makeGenerator: @escaping @Sendable () -> any WatermarkGenerator,
        timestampAssigner: (@Sendable (T, Int64) -> Int64)? = nil
    ) {
        self.makeGenerator = makeGenerator
        self.timestampAssigner = timestampAssigner
    }

    /// Watermarks that trail the highest timestamp seen by `maxOutOfOrderness`.
    public static func forBoundedOutOfOrderness(_ maxOutOfOrderness: Duration) -> WatermarkStrategy<T> {
        WatermarkStrategy(makeGenerator: { BoundedOutOfOrdernessWatermarks(maxOutOfOrderness: maxOutOfOrderness) })
    }

    /// Watermarks for timestamps that never decrease.
    public static func forMonotonousTimestamps() -> WatermarkStrategy<T> {
        WatermarkStrategy(makeGenerator: { MonotonousTimestampsWatermarks() })
    }

    /// Extracts each record's event timestamp with `assigner(record, previousTimestamp)`.
    public func withTimestampAssigner(_ assigner: @escaping @Sendable (T, Int64) -> Int64) -> WatermarkStrategy<T> {
        WatermarkStrategy(makeGenerator: makeGenerator, timestampAssigner: assigner)
    }

    /// Marks the stream idle (so it does not hold back downstream watermarks) after `timeout`
    /// without records.
    public func withIdleness(_ timeout: Duration) -> WatermarkStrategy<T> {
        let inner = makeGenerator
        return WatermarkStrategy(
            makeGenerator: {
                func wrap<G: WatermarkGenerator>(_ generator: G) -> any WatermarkGenerator {
                    WatermarksWithIdleness(wrapping: generator, idleTimeout: timeout)
                }
                return wrap(inner())
            }, timestampAssigner: timestampAssigner)
    }
}
