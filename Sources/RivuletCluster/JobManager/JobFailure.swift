// Why a run of a job failed: the subtask or component it failed in, and what happened.

/// Why a run of a job failed (Flink's ErrorInfo).
package struct JobFailure: Sendable, CustomStringConvertible {
    /// The subtask ("Window Aggregate (2/4)") or component ("checkpoint coordinator") it failed
    /// in; nil when the run failed as a whole (no slots, say).
    package var task: String?
    package var message: String
    /// A restart cannot fix it (a state type mismatch, say).
    package var unrecoverable: Bool

    package init(task: String? = nil, _ message: String, unrecoverable: Bool = false) {
        self.task = task
        self.message = message
        self.unrecoverable = unrecoverable
    }

    package var description: String { task.map { "\($0): \(message)" } ?? message }
}
