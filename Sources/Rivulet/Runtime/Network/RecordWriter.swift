// The producing side of an edge: partitions records to consumer channels in batches.

import RivuletCore

/// One consumer channel: the consumer's inbox and the channel index inside it.
public struct ChannelTarget: Sendable {
    public let inbox: TaskInbox
    public let channel: Int

    public init(inbox: TaskInbox, channel: Int) {
        self.inbox = inbox
        self.channel = channel
    }
}

/// Counts what a task's writers suffered from backpressure (task-thread confined).
public final class OutputMetrics {
    @exclusivity(unchecked) public var backPressuredNanos: UInt64 = 0
    public init() {}
}

/// Type-erased control of a writer, for events and flushing.
public protocol RecordWriterControl: AnyObject {
    /// Sends every buffered record.
    func flushAll() throws
    /// Flushes, then sends the event to every consumer channel.
    func broadcastEvent(_ element: StreamElement) throws
}

/// Writes records of one edge into per-consumer batches and hands full batches to the
/// consumers' inboxes (blocking without credit). Confined to the producing task's thread.
public final class RecordWriter<T: Sendable>: RecordWriterControl {
    @usableFromInline let targets: [ChannelTarget]
    /// Pending records per channel.
    @exclusivity(unchecked) @usableFromInline var buffers: [[StreamRecord<T>]]
    @usableFromInline let batchSize: Int
    @usableFromInline let partitioning: Partitioning
    /// Consumer subtask index of a record (hash partitioning only).
    @usableFromInline let selectChannel: ((T) -> Int)?
    @exclusivity(unchecked) @usableFromInline var nextRoundRobin: Int
    @usableFromInline let metrics: OutputMetrics

    /// `targets` are indexed by consumer subtask (one target for forward).
    public init(targets: [ChannelTarget], partitioning: Partitioning, batchSize: Int,
                selectChannel: ((T) -> Int)?, producerIndex: Int, metrics: OutputMetrics) {
        self.targets = targets
        self.partitioning = partitioning
        self.batchSize = max(1, batchSize)
        self.selectChannel = selectChannel
        self.nextRoundRobin = targets.isEmpty ? 0 : producerIndex % targets.count
        self.metrics = metrics
        self.buffers = Array(repeating: [], count: targets.count)
        for i in buffers.indices { buffers[i].reserveCapacity(self.batchSize) }
    }

    /// Routes one record.
    @inlinable
    public func emit(_ value: T, timestamp: Int64) throws {
        switch partitioning {
        case .forward:
            try append(StreamRecord(value, timestamp: timestamp), to: 0)
        case .rebalance:
            let i = nextRoundRobin
            nextRoundRobin = i + 1 == targets.count ? 0 : i + 1
            try append(StreamRecord(value, timestamp: timestamp), to: i)
        case .hash:
            try append(StreamRecord(value, timestamp: timestamp), to: selectChannel.map { $0(value) } ?? 0)
        case .broadcast:
            for i in targets.indices { try append(StreamRecord(value, timestamp: timestamp), to: i) }
        }
    }

    @inlinable
    func append(_ record: StreamRecord<T>, to channel: Int) throws {
        buffers[channel].append(record)
        if buffers[channel].count >= batchSize { try flush(channel) }
    }

    @usableFromInline
    func flush(_ channel: Int) throws {
        let records = buffers[channel]
        if records.isEmpty { return }
        buffers[channel] = []
        buffers[channel].reserveCapacity(batchSize)
        let target = targets[channel]
        metrics.backPressuredNanos &+= try target.inbox.push(.records(RecordBatch(records)), channel: target.channel)
    }

    public func flushAll() throws {
        for i in buffers.indices { try flush(i) }
    }

    public func broadcastEvent(_ element: StreamElement) throws {
        try flushAll()
        for target in targets { try target.inbox.push(element, channel: target.channel) }
    }
}
