// Decides when a task with several input channels takes its snapshot (Flink's barrier handlers).

/// What the task must do after a barrier or an end of partition arrived.
public enum BarrierAction: Sendable, Equatable {
    /// Stop reading this channel until the checkpoint is taken (exactly-once alignment).
    case block(channel: Int)
    /// Every channel delivered the barrier (or ended): snapshot now, then forward the barrier.
    case snapshot(CheckpointBarrier)
    /// Resume reading every blocked channel.
    case unblockAll
    /// A newer barrier arrived before this checkpoint aligned: it is abandoned.
    case abort(checkpointID: Int64)
}

/// Tracks barriers across a task's input channels. In exactly-once mode a channel that
/// delivered the barrier is blocked until all have (alignment), so no record after the barrier
/// reaches the state before the snapshot. In at-least-once mode nothing is blocked and the
/// snapshot is taken when the last barrier arrives. Finished channels count as aligned.
public struct CheckpointBarrierAligner: Sendable {
    public let channelCount: Int
    public let exactlyOnce: Bool
    private var finished: Set<Int> = []
    private var pending: CheckpointBarrier?
    private var received: Set<Int> = []
    /// The newest checkpoint this task snapshotted or abandoned; older barriers are ignored.
    public private(set) var lastHandled: Int64 = 0

    public init(channelCount: Int, exactlyOnce: Bool) {
        self.channelCount = channelCount
        self.exactlyOnce = exactlyOnce
    }

    /// A barrier arrived on `channel`.
    public mutating func barrier(_ barrier: CheckpointBarrier, channel: Int) -> [BarrierAction] {
        guard barrier.checkpointID > lastHandled else { return [] }
        var actions: [BarrierAction] = []
        if let current = pending {
            if barrier.checkpointID < current.checkpointID { return [] }
            if barrier.checkpointID > current.checkpointID {
                actions.append(.abort(checkpointID: current.checkpointID))
                if exactlyOnce { actions.append(.unblockAll) }
                pending = nil
                received = []
            }
        }
        if pending == nil { pending = barrier }
        received.insert(channel)
        if exactlyOnce { actions.append(.block(channel: channel)) }
        return actions + completeIfAligned()
    }

    /// `channel` ended: it will deliver no more barriers.
    public mutating func endOfPartition(channel: Int) -> [BarrierAction] {
        finished.insert(channel)
        return completeIfAligned()
    }

    /// Abandons the pending checkpoint (it was declined or timed out elsewhere).
    public mutating func abort(checkpointID: Int64) -> [BarrierAction] {
        guard let current = pending, current.checkpointID <= checkpointID else { return [] }
        pending = nil
        received = []
        lastHandled = max(lastHandled, current.checkpointID)
        return exactlyOnce ? [.unblockAll] : []
    }

    private mutating func completeIfAligned() -> [BarrierAction] {
        guard let barrier = pending, received.union(finished).count >= channelCount else { return [] }
        pending = nil
        received = []
        lastHandled = barrier.checkpointID
        return exactlyOnce ? [.snapshot(barrier), .unblockAll] : [.snapshot(barrier)]
    }
}
