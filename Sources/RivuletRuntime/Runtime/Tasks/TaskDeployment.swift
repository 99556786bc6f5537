// Everything one subtask needs to run: its vertex, inbox, input channel map and output targets.

import RivuletCore

/// The deployment of one subtask (Flink's TaskDeploymentDescriptor, in-process form).
@usableFromInline package struct TaskDeployment: Sendable {
    @usableFromInline package let vertex: JobVertex
    @usableFromInline package let subtaskIndex: Int
    /// The task's own inbox (its input gate and mailbox).
    @usableFromInline package let inbox: TaskInbox
    /// For each input channel of the inbox: which logical input (0 or 1) it feeds.
    @usableFromInline package let channelInputs: [Int]
    /// For each outgoing stream edge of the chain: targets indexed by consumer subtask
    /// (one target for forward edges).
    @usableFromInline package let outputTargets: [StreamEdgeShape: [ChannelTarget]]
    /// State to restore, by operator uid (already redistributed to this subtask).
    @usableFromInline package var restore: [String: OperatorSnapshot] = [:]
    /// Restarts of the job before this run.
    @usableFromInline package var attempt = 0
    /// Unique per run of the job (job id and attempt): names files a failed run leaves behind.
    @usableFromInline package var runID = "run0"
    /// The task's records and backpressure counters (readable while it runs).
    @usableFromInline package var metrics = TaskIOMetrics()
    /// Where checkpoint acknowledgements go, when the job checkpoints.
    @usableFromInline package var checkpoints: (any CheckpointResponder)?

    @usableFromInline package init(
        vertex: JobVertex, subtaskIndex: Int, inbox: TaskInbox, channelInputs: [Int],
        outputTargets: [StreamEdgeShape: [ChannelTarget]]
    ) {
        self.vertex = vertex
        self.subtaskIndex = subtaskIndex
        self.inbox = inbox
        self.channelInputs = channelInputs
        self.outputTargets = outputTargets
    }

    /// The subtask's identity for the checkpoint coordinator.
    @usableFromInline package var executionID: ExecutionID { ExecutionID(vertex: vertex.id, subtask: subtaskIndex) }

    /// `name (i/p)`.
    @usableFromInline package var displayName: String { "\(vertex.name) (\(subtaskIndex + 1)/\(vertex.parallelism))" }
}
