// What a TaskManager tells a JobMaster about its tasks: state changes and metric samples.

import RivuletRuntime

/// A task's counters at one moment, sent with state changes and heartbeats.
package struct TaskMetricsSample: Sendable, Equatable {
    package var task: ExecutionAttemptID
    package var recordsIn: Int64
    package var recordsOut: Int64
    /// Nanoseconds the task was blocked on output buffers (backpressure) since it started.
    package var backPressuredNanos: Int64
    /// Nanoseconds the task waited for input since it started.
    package var idleNanos: Int64
    /// The task's combined input watermark, and the last it sent (`Int64.min`: none yet).
    package var inputWatermark: Int64
    package var outputWatermark: Int64
    /// Share of the task's output and input buffers in use (0...1).
    package var outPoolUsage: Double
    package var inPoolUsage: Double

    package init(
        task: ExecutionAttemptID, recordsIn: Int64, recordsOut: Int64, backPressuredNanos: Int64, idleNanos: Int64 = 0,
        inputWatermark: Int64 = .min, outputWatermark: Int64 = .min, outPoolUsage: Double = 0, inPoolUsage: Double = 0
    ) {
        self.task = task
        self.recordsIn = recordsIn
        self.recordsOut = recordsOut
        self.backPressuredNanos = backPressuredNanos
        self.idleNanos = idleNanos
        self.inputWatermark = inputWatermark
        self.outputWatermark = outputWatermark
        self.outPoolUsage = outPoolUsage
        self.inPoolUsage = inPoolUsage
    }

    /// The counters of a running task now.
    package init(task: ExecutionAttemptID, _ metrics: TaskIOMetrics) {
        self.init(
            task: task, recordsIn: Int64(clamping: metrics.recordsReceived), recordsOut: Int64(clamping: metrics.recordsSent),
            backPressuredNanos: Int64(clamping: metrics.backPressuredNanos), idleNanos: Int64(clamping: metrics.idleNanos),
            inputWatermark: metrics.inputWatermark, outputWatermark: metrics.outputWatermark,
            outPoolUsage: metrics.outPoolUsage, inPoolUsage: metrics.inPoolUsage)
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
