// A TaskManager's metrics: its process, and the I/O of every task it runs, under Flink's
// scopes and labels (taskmanager, taskmanager_job_task).

import RivuletRuntime
import RivuletCore
import Synchronization

/// A task running on this TaskManager, as its metrics are labelled.
package struct RunningTask: Sendable {
    package var id: ExecutionAttemptID
    package var jobName: String
    package var taskName: String
    package var metrics: TaskIOMetrics

    package init(id: ExecutionAttemptID, jobName: String, taskName: String, metrics: TaskIOMetrics) {
        self.id = id
        self.jobName = jobName
        self.taskName = taskName
        self.metrics = metrics
    }
}

/// Samples the TaskManager's process and tasks into its registry. Task metrics are named
/// `rivulet_taskmanager_job_task_<metric>` with the labels of Flink's Prometheus reporter
/// (`job_id`, `job_name`, `task_id`, `task_name`, `subtask_index`, `task_attempt_num`,
/// `tm_id`, `host`); a task's metrics disappear when it ends.
package final class TaskManagerMetrics: Sendable {
    struct Tracked {
        var group: MetricGroup
        var window: SampleWindow
        /// The transit histograms of the window's samples, oldest first.
        var transits: [[UInt64]] = []
    }
    let scope: MetricGroup
    let process: ProcessMetrics
    let rateWindow: Int
    private let tasks = Mutex<[ExecutionAttemptID: Tracked]>([:])

    package init(registry: MetricRegistry, resourceID: String, host: String, rateWindow: Int) {
        scope = registry.group("taskmanager", labels: [("tm_id", resourceID), ("host", host)])
        process = ProcessMetrics(scope)
        self.rateWindow = rateWindow
    }

    /// Samples the process and `running` now; drops the metrics of tasks no longer running.
    package func sample(_ running: [RunningTask], now: ContinuousClock.Instant = .now, wallMillis: Int64 = SystemClock.nowMillis()) {
        process.sample(now: now)
        let ids = Set(running.map(\.id))
        let gone = tasks.withLock { t -> [MetricGroup] in
            let ended = t.filter { !ids.contains($0.key) }
            for id in ended.keys { t[id] = nil }
            return ended.values.map(\.group)
        }
        for group in gone { group.close() }
        for task in running {
            let sample = TaskMetricsSample(task: task.id, task.metrics)
            let (group, rates, transit) = tasks.withLock { t -> (MetricGroup, TaskRates, [UInt64]) in
                var tracked = t[task.id] ?? Tracked(group: taskGroup(task), window: SampleWindow(capacity: rateWindow))
                let rates = tracked.window.add(sample, at: now)
                tracked.transits.append(task.metrics.transitCounts)
                if tracked.transits.count > rateWindow + 1 { tracked.transits.removeFirst(tracked.transits.count - rateWindow - 1) }
                t[task.id] = tracked
                return (tracked.group, rates, Self.delta(tracked.transits))
            }
            Self.record(sample, rates, into: group, wallMillis: wallMillis)
            Self.recordLatency(transit, into: group)
        }
    }

    func taskGroup(_ task: RunningTask) -> MetricGroup {
        scope.child(
            "job_task",
            labels: [
                ("job_id", task.id.jobID), ("job_name", task.jobName), ("task_id", String(task.id.execution.vertex)),
                ("task_name", task.taskName), ("subtask_index", String(task.id.execution.subtask)),
                ("task_attempt_num", String(task.id.attempt)),
            ])
    }

    /// The batches counted between the window's oldest and newest histograms.
    static func delta(_ histograms: [[UInt64]]) -> [UInt64] {
        guard let newest = histograms.last else { return [] }
        guard histograms.count > 1, let oldest = histograms.first else { return newest }
        return zip(newest, oldest).map { $0 >= $1 ? $0 - $1 : $0 }
    }

    /// The quantiles of how long record batches waited for the task over the window, in ms:
    /// `inputLatency{quantile="0.5"|"0.95"|"0.99"}`, each the upper bound of the power-of-two
    /// bucket the quantile falls in (so at most twice the true value). Not set without batches.
    static func recordLatency(_ counts: [UInt64], into group: MetricGroup) {
        for (q, label) in [(0.5, "0.5"), (0.95, "0.95"), (0.99, "0.99")] {
            if let micros = quantileMicros(counts, q) { group.set("inputLatency", labels: [("quantile", label)], micros / 1000) }
        }
    }

    /// The upper bound in µs of the bucket holding quantile `q` of `counts`; nil when empty.
    static func quantileMicros(_ counts: [UInt64], _ q: Double) -> Double? {
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let rank = UInt64((Double(total) * q).rounded(.up))
        var seen: UInt64 = 0
        for (i, n) in counts.enumerated() {
            seen += n
            if seen >= rank { return Double(UInt64(1) << UInt64(i + 1)) }
        }
        return Double(UInt64(1) << UInt64(counts.count))
    }

    /// Flink's task metrics from one sample and the rates over the window.
    static func record(_ s: TaskMetricsSample, _ rates: TaskRates, into group: MetricGroup, wallMillis: Int64) {
        group.set("numRecordsIn", s.recordsIn)
        group.set("numRecordsOut", s.recordsOut)
        group.set("numRecordsInPerSecond", rates.recordsInPerSecond)
        group.set("numRecordsOutPerSecond", rates.recordsOutPerSecond)
        group.set("busyTimeMsPerSecond", rates.busyTimeMsPerSecond)
        group.set("idleTimeMsPerSecond", rates.idleTimeMsPerSecond)
        group.set("backPressuredTimeMsPerSecond", rates.backPressuredTimeMsPerSecond)
        group.set("buffers_outPoolUsage", s.outPoolUsage)
        group.set("buffers_inPoolUsage", s.inPoolUsage)
        group.set("currentInputWatermark", s.inputWatermark)
        group.set("currentOutputWatermark", s.outputWatermark)
        // How far event time is behind the wall clock: of the input for operators, of the
        // output for sources (Flink's source watermarkLag). Not set before the first watermark.
        let watermark = s.inputWatermark != .min ? s.inputWatermark : s.outputWatermark
        if watermark != .min && watermark < StreamTime.maxWatermark { group.set("watermarkLag", wallMillis - watermark) }
    }
}
