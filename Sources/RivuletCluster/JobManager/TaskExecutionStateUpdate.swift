// What a TaskManager tells a JobMaster about its tasks: state changes and metric samples.

/// A task's counters at one moment, sent with state changes and heartbeats.
package struct TaskMetricsSample: Sendable, Equatable {
    package var task: ExecutionAttemptID
    package var recordsIn: Int64
    package var recordsOut: Int64
    /// Nanoseconds the task was blocked on output buffers (backpressure) since it started.
    package var backPressuredNanos: Int64

    package init(task: ExecutionAttemptID, recordsIn: Int64, recordsOut: Int64, backPressuredNanos: Int64) {
        self.task = task
        self.recordsIn = recordsIn
        self.recordsOut = recordsOut
        self.backPressuredNanos = backPressuredNanos
    }
}

/// A task changed state on a TaskManager (Flink's TaskExecutionState).
package struct TaskExecutionStateUpdate: Sendable {
    package var task: ExecutionAttemptID
    package var state: ExecutionState
    /// The TaskManager the task runs on.
    package var resourceID: String
    /// Why the task failed, for FAILED.
    package var error: String?
    /// True when a restart cannot fix the failure (a state type mismatch, say).
    package var unrecoverable: Bool
    package var metrics: TaskMetricsSample?

    package init(
        task: ExecutionAttemptID, state: ExecutionState, resourceID: String, error: String? = nil, unrecoverable: Bool = false,
        metrics: TaskMetricsSample? = nil
    ) {
        self.task = task
        self.state = state
        self.resourceID = resourceID
        self.error = error
        self.unrecoverable = unrecoverable
        self.metrics = metrics
    }
}
