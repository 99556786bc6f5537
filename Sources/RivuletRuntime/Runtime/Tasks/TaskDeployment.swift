// Everything one subtask needs to run: its vertex, inbox, input channel map and output targets.

import RivuletCore

/// The deployment of one subtask (Flink's TaskDeploymentDescriptor, in-process form).
public struct TaskDeployment: Sendable {
    public let vertex: JobVertex
    public let subtaskIndex: Int
    /// The task's own inbox (its input gate and mailbox).
    public let inbox: TaskInbox
    /// For each input channel of the inbox: which logical input (0 or 1) it feeds.
    public let channelInputs: [Int]
    /// For each outgoing stream edge of the chain: targets indexed by consumer subtask
    /// (one target for forward edges).
    public let outputTargets: [StreamEdgeShape: [ChannelTarget]]
    /// State to restore, by operator uid (already redistributed to this subtask).
    public var restore: [String: OperatorSnapshot] = [:]
    /// Restarts of the job before this run.
    public var attempt = 0
    /// Unique per run of the job (job id and attempt): names files a failed run leaves behind.
    public var runID = "run0"
    /// The task's records and backpressure counters (readable while it runs).
    public var metrics = TaskIOMetrics()
    /// Where checkpoint acknowledgements go, when the job checkpoints.
    public var checkpoints: (any CheckpointResponder)?

    public init(
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
    public var executionID: ExecutionID { ExecutionID(vertex: vertex.id, subtask: subtaskIndex) }

    /// `name (i/p)`.
    public var displayName: String { "\(vertex.name) (\(subtaskIndex + 1)/\(vertex.parallelism))" }
}
