// The window of a window table function: TUMBLE, HOP, CUMULATE or SESSION over a time attribute.

/// `TUMBLE(TABLE t, DESCRIPTOR(ts), size)`, `HOP(TABLE t, DESCRIPTOR(ts), slide, size)`,
/// `CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)` or `SESSION(TABLE t [PARTITION BY k],
/// DESCRIPTOR(ts), gap)`.
public struct WindowSpec: Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case tumble = "TUMBLE", hop = "HOP", session = "SESSION", cumulate = "CUMULATE"
    }

    public var kind: Kind
    /// The window's length (the gap of a session).
    public var sizeMillis: Int64
    /// How far HOP windows start apart, or how much each CUMULATE window grows (TUMBLE: the size).
    public var slideMillis: Int64
    /// The event-time column of the input the windows are over.
    public var timeColumn: Int
    public var timeColumnName: String
    /// Over the processing-time attribute (`PROCTIME()`): windows of the wall clock.
    public var processingTime = false
    /// SESSION's `PARTITION BY` columns of the input: keys the aggregation must group by.
    public var partitionBy: [Int] = []

    public var description: String {
        switch kind {
        case .tumble: return "TUMBLE(time_col=[\(timeColumnName)\(processingTime ? " (proctime)" : "")], size=[\(sizeMillis) ms])"
        case .hop: return "HOP(time_col=[\(timeColumnName)], slide=[\(slideMillis) ms], size=[\(sizeMillis) ms])"
        case .session: return "SESSION(time_col=[\(timeColumnName)], gap=[\(sizeMillis) ms])"
        case .cumulate: return "CUMULATE(time_col=[\(timeColumnName)], step=[\(slideMillis) ms], max_size=[\(sizeMillis) ms])"
        }
    }
}
