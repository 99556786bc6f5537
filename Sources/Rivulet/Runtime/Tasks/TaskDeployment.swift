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

    public init(vertex: JobVertex, subtaskIndex: Int, inbox: TaskInbox, channelInputs: [Int],
                outputTargets: [StreamEdgeShape: [ChannelTarget]]) {
        self.vertex = vertex
        self.subtaskIndex = subtaskIndex
        self.inbox = inbox
        self.channelInputs = channelInputs
        self.outputTargets = outputTargets
    }

    /// `name (i/p)`.
    public var displayName: String { "\(vertex.name) (\(subtaskIndex + 1)/\(vertex.parallelism))" }
}
