// A process's CPU, memory and threads as gauges (Flink's Status.JVM.* group, without a JVM).

import Synchronization

/// Samples this process's resource use into `Status_Process_*` gauges of a scope.
package final class ProcessMetrics: Sendable {
    let group: MetricGroup
    private let previous = Mutex<(status: ProcessStatus, at: ContinuousClock.Instant)?>(nil)

    package init(_ scope: MetricGroup) {
        group = scope
    }

    /// Reads /proc and sets `Status_Process_CPU_Time` (ms), `Status_Process_CPU_Load` (CPUs
    /// busy since the last sample), `Status_Process_Memory_RSS` (bytes) and
    /// `Status_Process_Threads_Count`.
    package func sample(now: ContinuousClock.Instant = .now) {
        let status = ProcessStatus.current()
        let before = previous.withLock { p in
            defer { p = (status, now) }
            return p
        }
        group.set("Status_Process_CPU_Time", Double(status.cpuNanos) / 1e6)
        if let before, let load = status.cpuLoad(since: before.status, over: now - before.at) {
            group.set("Status_Process_CPU_Load", load)
        }
        group.set("Status_Process_Memory_RSS", status.rssBytes)
        group.set("Status_Process_Threads_Count", Double(status.threads))
    }
}
