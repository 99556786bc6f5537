// Converts Swift `Duration` values to the Int64 millisecond timestamps used by windowing.

extension Duration {
    /// This duration in whole milliseconds, truncated toward zero and saturated at `Int64.min` / `Int64.max`.
    @inlinable
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (secondsPart, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (total, overflow2) = secondsPart.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflow2 { return secondsPart < 0 ? Int64.min : Int64.max }
        return total
    }
}
