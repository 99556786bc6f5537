// Combines the watermarks and watermark statuses of N input channels into one, as Flink's StatusWatermarkValve.

/// Flink's `StatusWatermarkValve` as a pure value over `channelCount` input channels.
///
/// Every channel keeps its last watermark, its status (active/idle) and whether it is
/// *aligned* (its watermark is at or above the valve's output, so it takes part in the minimum).
/// The output watermark is the minimum over active, aligned channels and is forwarded only
/// when it increases. Watermarks of idle channels are ignored. When every channel is idle the
/// valve first flushes the maximum watermark over all channels (if it advances) and then
/// reports `.status(.idle)`; the first channel to become active again yields `.status(.active)`.
/// A re-activated channel whose watermark is behind the output stays unaligned until it catches up.
///
/// A finished channel (end of partition) counts as having watermark `+inf`: it no longer holds
/// back the minimum, and it takes no part in idleness. When all channels have finished, the
/// valve emits `StreamTime.maxWatermark` once (preceded by `.status(.active)` if it was idle).
public struct StatusWatermarkValve: Sendable, Hashable {
    /// The bookkeeping of one input channel.
    @usableFromInline
    struct Channel: Sendable, Hashable {
        @usableFromInline var watermark: Int64 = StreamTime.minWatermark
        @usableFromInline var isActive = true
        @usableFromInline var isAligned = true
        @usableFromInline var isFinished = false

        @inlinable init() {}
    }

    @usableFromInline var channels: [Channel]
    @usableFromInline var lastOutputWatermark: Int64 = StreamTime.minWatermark
    @usableFromInline var outputIdle = false
    @usableFromInline var finishedCount = 0

    /// Creates a valve over `channelCount` channels, all active, aligned and at `StreamTime.minWatermark`.
    @inlinable
    public init(channelCount: Int) {
        precondition(channelCount > 0, "StatusWatermarkValve needs at least one channel, got \(channelCount)")
        channels = Array(repeating: Channel(), count: channelCount)
    }

    /// The number of input channels.
    @inlinable
    public var channelCount: Int { channels.count }

    /// The last watermark the valve emitted (`StreamTime.minWatermark` before the first).
    @inlinable
    public var currentWatermark: Int64 { lastOutputWatermark }

    /// Whether the valve's combined status is idle (all unfinished channels are idle).
    @inlinable
    public var isIdle: Bool { outputIdle }

    /// Whether every channel has finished.
    @inlinable
    public var allChannelsFinished: Bool { finishedCount == channels.count }

    /// The last watermark received on `channel` (`StreamTime.maxWatermark` once finished).
    @inlinable
    public func watermark(ofChannel channel: Int) -> Int64 {
        checkChannel(channel)
        return channels[channel].isFinished ? StreamTime.maxWatermark : channels[channel].watermark
    }

    /// The status of `channel` (a finished channel reports `.active`).
    @inlinable
    public func status(ofChannel channel: Int) -> WatermarkStatus {
        checkChannel(channel)
        return channels[channel].isActive || channels[channel].isFinished ? .active : .idle
    }

    /// Whether `channel` has finished.
    @inlinable
    public func isFinished(channel: Int) -> Bool {
        checkChannel(channel)
        return channels[channel].isFinished
    }

    /// Feeds a watermark of `channel`; returns the new combined watermark if it advanced.
    ///
    /// Ignored when the channel or the whole valve is idle, when the channel has finished,
    /// or when the watermark does not exceed the channel's previous one.
    @inlinable
    public mutating func inputWatermark(_ watermark: Int64, channel: Int) -> ValveOutput? {
        checkChannel(channel)
        guard !outputIdle, channels[channel].isActive, !channels[channel].isFinished,
            watermark > channels[channel].watermark
        else { return nil }
        channels[channel].watermark = watermark
        if !channels[channel].isAligned && watermark >= lastOutputWatermark {
            // a previously unaligned channel has caught up with the output
            channels[channel].isAligned = true
        }
        return advanceToMinimumOfAlignedChannels()
    }

    /// Feeds a watermark status of `channel`; returns what the valve forwards, in order
    /// (at most a flushed watermark followed by a status).
    @inlinable
    public mutating func inputWatermarkStatus(_ status: WatermarkStatus, channel: Int) -> [ValveOutput] {
        checkChannel(channel)
        guard !channels[channel].isFinished else { return [] }
        var out: [ValveOutput] = []
        switch status {
        case .idle where channels[channel].isActive:
            // active -> idle: the channel no longer takes part in the minimum
            channels[channel].isActive = false
            channels[channel].isAligned = false
            if !hasActiveUnfinishedChannel() {
                // the last active channel went idle: nothing holds event time back any more,
                // so flush the maximum watermark, if this channel was the one holding it back
                if channels[channel].watermark == lastOutputWatermark,
                    let flushed = advanceToMaximumOfUnfinishedChannels()
                {
                    out.append(flushed)
                }
                outputIdle = true
                out.append(.status(.idle))
            } else if channels[channel].watermark == lastOutputWatermark,
                let advanced = advanceToMinimumOfAlignedChannels()
            {
                out.append(advanced)
            }
        case .active where !channels[channel].isActive:
            // idle -> active: aligned at once only if it is not behind the output
            channels[channel].isActive = true
            if channels[channel].watermark >= lastOutputWatermark {
                channels[channel].isAligned = true
            }
            if outputIdle {
                outputIdle = false
                out.append(.status(.active))
            }
        default:
            break  // no change of the channel's status
        }
        return out
    }

    /// Marks `channel` as finished (end of partition); returns what the valve forwards, in order.
    ///
    /// The channel stops holding back the minimum. If it was the last active channel, the valve
    /// behaves as when the last active channel goes idle. Once all channels have finished the
    /// valve emits `StreamTime.maxWatermark` (after `.status(.active)` if it was idle). Finishing
    /// an already finished channel does nothing.
    @inlinable
    public mutating func channelFinished(_ channel: Int) -> [ValveOutput] {
        checkChannel(channel)
        guard !channels[channel].isFinished else { return [] }
        let wasActive = channels[channel].isActive
        channels[channel].isFinished = true
        channels[channel].isActive = true
        channels[channel].isAligned = false
        finishedCount += 1
        var out: [ValveOutput] = []
        if finishedCount == channels.count {
            if outputIdle {
                outputIdle = false
                out.append(.status(.active))
            }
            if lastOutputWatermark < StreamTime.maxWatermark {
                lastOutputWatermark = StreamTime.maxWatermark
                out.append(.watermark(StreamTime.maxWatermark))
            }
        } else if wasActive && !outputIdle {
            if hasActiveUnfinishedChannel() {
                if let advanced = advanceToMinimumOfAlignedChannels() { out.append(advanced) }
            } else {
                if let flushed = advanceToMaximumOfUnfinishedChannels() { out.append(flushed) }
                outputIdle = true
                out.append(.status(.idle))
            }
        }
        return out
    }

    // MARK: - Internals

    @inlinable
    func checkChannel(_ channel: Int) {
        precondition(
            channel >= 0 && channel < channels.count,
            "channel \(channel) out of range 0..<\(channels.count)")
    }

    @inlinable
    func hasActiveUnfinishedChannel() -> Bool {
        channels.contains { $0.isActive && !$0.isFinished }
    }

    /// Emits the minimum over aligned, unfinished channels if there is one and it advances.
    @inlinable
    mutating func advanceToMinimumOfAlignedChannels() -> ValveOutput? {
        var minimum = Int64.max
        var hasAligned = false
        for c in channels where c.isAligned && !c.isFinished {
            hasAligned = true
            if c.watermark < minimum { minimum = c.watermark }
        }
        guard hasAligned, minimum > lastOutputWatermark else { return nil }
        lastOutputWatermark = minimum
        return .watermark(minimum)
    }

    /// Emits the maximum over unfinished channels if it advances (the flush when all go idle).
    @inlinable
    mutating func advanceToMaximumOfUnfinishedChannels() -> ValveOutput? {
        var maximum = Int64.min
        for c in channels where !c.isFinished && c.watermark > maximum { maximum = c.watermark }
        guard maximum > lastOutputWatermark else { return nil }
        lastOutputWatermark = maximum
        return .watermark(maximum)
    }
}
