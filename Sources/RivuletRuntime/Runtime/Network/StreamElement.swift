// What flows through a channel: record batches and the in-band events.

import RivuletCore

/// One element of a channel: records or an event, in order.
@usableFromInline package enum StreamElement: Sendable {
    /// A `RecordBatch<T>` of the channel's record type.
    case records(any Sendable & AnyObject)
    case watermark(Int64)
    case watermarkStatus(WatermarkStatus)
    case barrier(CheckpointBarrier)
    /// The producer subtask finished: nothing more will come on this channel.
    case endOfPartition

    /// True for record batches, which use credit; events always get through.
    @inlinable
    package var isRecords: Bool {
        if case .records = self { return true }
        return false
    }
}
