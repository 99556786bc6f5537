// The clock intervals inside one process are measured with.

import Dispatch

/// Nanoseconds on the monotonic clock (not wall time: comparable only within one process).
@usableFromInline package enum MonotonicClock {
    @inlinable
    package static func nanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
