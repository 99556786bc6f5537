// What one running task did: records in and out, time blocked, idle and watermarks (Flink's
// TaskIOMetricGroup). Written per batch by the task's thread, read by reporters.

import RivuletCore
import Synchronization

/// A task's I/O counters. The task's thread adds to them once per record batch, wait or
/// watermark (relaxed atomics, no locks on the record path); metric reporters on other
/// threads read them and turn them into rates.
@usableFromInline package final class TaskIOMetrics: Sendable {
    let blockedNanos = Atomic<UInt64>(0)
    let idleNanosCounter = Atomic<UInt64>(0)
    let recordsOut = Atomic<UInt64>(0)
    let recordsIn = Atomic<UInt64>(0)
    let inputWatermarkValue = Atomic<Int64>(Int64.min)
    let outputWatermarkValue = Atomic<Int64>(Int64.min)
    /// How long record batches waited between their hand-over and this task taking them:
    /// counts per power-of-two bucket of microseconds (bucket i: under 2^(i+1) µs).
    let transit = Mutex([UInt64](repeating: 0, count: TaskIOMetrics.transitBuckets))
    /// Buckets of the transit histogram; the last holds everything from about 34 s up.
    @usableFromInline package static let transitBuckets = 26
    /// The channels the task writes to and its own inbox, for buffer usage (set before it runs).
    let buffers = Mutex<(outputs: [ChannelTarget], inbox: TaskInbox?)>(([], nil))

    @usableFromInline package init() {}

    /// Nanoseconds the task was blocked on output channels without credit.
    @usableFromInline package var backPressuredNanos: UInt64 { blockedNanos.load(ordering: .relaxed) }
    /// Nanoseconds the task waited for input (Flink's idle time).
    @usableFromInline package var idleNanos: UInt64 { idleNanosCounter.load(ordering: .relaxed) }
    /// Records the task sent to other tasks.
    @usableFromInline package var recordsSent: UInt64 { recordsOut.load(ordering: .relaxed) }
    /// Records the task took from its input channels.
    @usableFromInline package var recordsReceived: UInt64 { recordsIn.load(ordering: .relaxed) }
    /// The task's combined input watermark (`Int64.min` before the first).
    @usableFromInline package var inputWatermark: Int64 { inputWatermarkValue.load(ordering: .relaxed) }
    /// The last watermark the task sent downstream (`Int64.min` before the first).
    @usableFromInline package var outputWatermark: Int64 { outputWatermarkValue.load(ordering: .relaxed) }

    /// Share of the output buffers in use: record batches queued at the consumers over the
    /// batches they may hold (Flink's outPoolUsage). Reads the consumers' queues under their locks.
    @usableFromInline package var outPoolUsage: Double {
        let outputs = buffers.withLock { $0.outputs }
        guard !outputs.isEmpty else { return 0 }
        return outputs.reduce(0) { $0 + $1.sink.usage(channel: $1.channel) } / Double(outputs.count)
    }

    /// Share of the task's input buffers in use (Flink's inPoolUsage).
    @usableFromInline package var inPoolUsage: Double { buffers.withLock { $0.inbox }?.usage ?? 0 }

    /// Registers where the task's buffers are, for the usage gauges.
    @usableFromInline package func attach(outputs: [ChannelTarget], inbox: TaskInbox) {
        buffers.withLock { $0 = (outputs, inbox) }
    }

    @usableFromInline func addBlocked(_ nanos: UInt64) {
        if nanos > 0 { blockedNanos.add(nanos, ordering: .relaxed) }
    }
    @usableFromInline func addIdle(_ nanos: UInt64) { idleNanosCounter.add(nanos, ordering: .relaxed) }
    @usableFromInline func addSent(_ n: Int) { recordsOut.add(UInt64(n), ordering: .relaxed) }
    /// Counts a batch that waited `nanos` between hand-over and being taken.
    func addTransit(_ nanos: UInt64) {
        let micros = nanos / 1000
        let bucket = micros < 2 ? 0 : min(Self.transitBuckets - 1, (UInt64.bitWidth - micros.leadingZeroBitCount) - 1)
        transit.withLock { $0[bucket] &+= 1 }
    }

    /// The transit histogram's counts so far (bucket i: batches that waited under 2^(i+1) µs).
    @usableFromInline package var transitCounts: [UInt64] { transit.withLock { $0 } }
    @usableFromInline func addReceived(_ n: Int) { recordsIn.add(UInt64(n), ordering: .relaxed) }
    func setInputWatermark(_ w: Int64) { inputWatermarkValue.store(w, ordering: .relaxed) }
    func setOutputWatermark(_ w: Int64) { outputWatermarkValue.store(w, ordering: .relaxed) }
}
