// The JobManager's metrics: its process, the cluster's TaskManagers and slots, and every
// job's restarts and checkpoints, under Flink's scopes (jobmanager, jobmanager_job).

import RivuletRuntime
import Synchronization

/// Samples a leading JobManager's Dispatcher into its registry. Job metrics are named
/// `rivulet_jobmanager_job_<metric>` with `job_id` and `job_name` labels, and disappear
/// once the job is no longer listed.
package final class JobManagerMetrics: Sendable {
    let scope: MetricGroup
    let process: ProcessMetrics
    private let jobs = Mutex<[String: MetricGroup]>([:])

    package init(registry: MetricRegistry, host: String) {
        scope = registry.group("jobmanager", labels: [("host", host)])
        process = ProcessMetrics(scope)
    }

    /// Samples the process, and the cluster as `dispatcher` (nil: standing by) sees it.
    func sample(_ dispatcher: Dispatcher?, now: ContinuousClock.Instant = .now, wallMillis: Int64 = SystemClock.nowMillis()) {
        process.sample(now: now)
        let details = dispatcher?.jobs.map { $0.detail(full: true) } ?? []
        let counts = dispatcher?.counts
        scope.set("numRegisteredTaskManagers", Double(counts?.taskManagers ?? 0))
        scope.set("taskSlotsTotal", Double(counts?.slotsTotal ?? 0))
        scope.set("taskSlotsAvailable", Double(counts?.slotsAvailable ?? 0))
        scope.set("numRunningJobs", Double(counts?.running ?? 0))
        let ids = Set(details.map(\.id))
        let gone = jobs.withLock { j -> [MetricGroup] in
            let ended = j.filter { !ids.contains($0.key) }
            for id in ended.keys { j[id] = nil }
            return Array(ended.values)
        }
        for group in gone { group.close() }
        for detail in details {
            let group = jobs.withLock { j in
                if let existing = j[detail.id] { return existing }
                let made = scope.child("job", labels: [("job_id", detail.id), ("job_name", detail.name)])
                j[detail.id] = made
                return made
            }
            Self.record(detail, into: group, wallMillis: wallMillis)
        }
    }

    /// Flink's job metrics from a job's detail.
    static func record(_ job: JobDetail, into group: MetricGroup, wallMillis: Int64) {
        // Flink: milliseconds the job has run, -1 once it ended.
        group.set("uptime", job.status.isTerminal ? -1 : wallMillis - job.startTime)
        group.set("numRestarts", Double(job.attempt))
        let completed = job.checkpoints ?? []
        let completedCount = job.completedCheckpoints ?? completed.count
        group.set("numberOfCompletedCheckpoints", Double(completedCount))
        group.set("numberOfFailedCheckpoints", Double(job.failedCheckpoints ?? 0))
        group.set("numberOfInProgressCheckpoints", Double(job.inProgressCheckpoints ?? 0))
        group.set("totalNumberOfCheckpoints", Double(completedCount + (job.failedCheckpoints ?? 0) + (job.inProgressCheckpoints ?? 0)))
        if let last = completed.last {
            group.set("lastCheckpointDuration", last.durationMillis)
            // Flink: the bytes this checkpoint wrote (incremental), and the full state it references.
            group.set("lastCheckpointSize", last.uploadedBytes)
            group.set("lastCheckpointFullSize", last.stateBytes)
        }
    }
}
