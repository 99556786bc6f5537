// A task's input gate and mailbox: bounded (credit-based) channels plus control mail, one lock.

import Foundation
import DequeModule
import RivuletCore

/// Why a blocked producer or consumer stopped waiting.
@usableFromInline package struct TaskCancelledError: Error, CustomStringConvertible, Sendable {
    @usableFromInline package init() {}
    @usableFromInline package var description: String { "task was cancelled" }
}

/// Checkpoint control sent to a task by the checkpoint coordinator.
@usableFromInline package enum TaskControl: Sendable {
    /// Take checkpoint `barrier` now (sources, and tasks whose inputs have all ended).
    case triggerCheckpoint(CheckpointBarrier)
    /// Checkpoint n completed; `completesJob` when it is at or after the job's final
    /// checkpoint (one triggered when every task had finished): only then may a finished task end.
    case checkpointComplete(Int64, completesJob: Bool)
    case checkpointAborted(Int64)
}

/// Where the checkpoint coordinator sends control for one subtask: to the TaskManager that
/// runs it, through that TaskManager's gateway (whose `TaskJobRun` puts it into the inbox).
@usableFromInline package protocol TaskControlGateway: Sendable {
    func sendControl(_ control: TaskControl)
}

/// What a task gets when it asks its inbox for work.
@usableFromInline package enum InboxEvent: Sendable {
    case mail(@Sendable () -> Void)
    case control(TaskControl)
    case element(channel: Int, StreamElement)
    /// The deadline passed (a processing-time timer is due) with nothing to do.
    case timeout
}

/// The receiving side of a task. Producers push record batches into per-channel queues that
/// hold at most `creditsPerChannel` batches: a producer without credit blocks (backpressure)
/// until the consumer takes a batch. Events (watermarks, barriers, end of partition) are never
/// held back. Mail (control actions from other threads) is served before data.
///
/// Only the consumer waits on `condition`. A producer without credit waits on its channel's
/// semaphore, which the consumer signals when it takes a batch of that channel: one wake-up for
/// the one producer that can go on. With every producer waiting on the shared condition, each
/// batch taken woke them all (and each batch pushed woke the blocked ones too), so the wake-ups
/// per batch grew with the parallelism.
///
/// Safe to share across threads: every mutable field is read and written only while holding
/// `condition`, the one lock of this inbox (the semaphores are thread-safe themselves).
@usableFromInline package final class TaskInbox: @unchecked Sendable, ChannelSink {
    private let condition = NSCondition()
    private var queues: [Deque<StreamElement>]
    private var recordBatches: [Int]
    private var mails = Deque<InboxEvent>()
    /// Channels not read until the current checkpoint aligned (exactly-once barriers).
    private var blocked: [Bool]
    private var cancelled = false
    /// Why the inbox was cancelled, when it was a failure (a lost network connection).
    private var failure: (any Error)?
    /// Called when a record batch of a channel is taken (network channels grant a credit).
    private var consumedListeners: [(@Sendable () -> Void)?]
    private var nextChannel = 0
    private var waitingForData = false
    /// Per channel, whether its producer waits for credit on `creditSignals[channel]`.
    private var producerWaiting: [Bool]
    private let creditSignals: [DispatchSemaphore]
    /// Batches a channel may hold before its producer blocks.
    @usableFromInline package let creditsPerChannel: Int
    /// Nanoseconds producers spent blocked on this inbox (backpressure they suffered).
    private var blockedNanos: UInt64 = 0

    @usableFromInline package init(channelCount: Int, creditsPerChannel: Int = 8) {
        queues = Array(repeating: Deque(), count: channelCount)
        recordBatches = Array(repeating: 0, count: channelCount)
        blocked = Array(repeating: false, count: channelCount)
        consumedListeners = Array(repeating: nil, count: channelCount)
        producerWaiting = Array(repeating: false, count: channelCount)
        creditSignals = (0..<channelCount).map { _ in DispatchSemaphore(value: 0) }
        self.creditsPerChannel = max(1, creditsPerChannel)
    }

    /// Number of input channels.
    @usableFromInline package var channelCount: Int { queues.count }

    /// Pushes an element into `channel`, blocking while the channel has no credit.
    /// Returns the nanoseconds spent blocked. Throws when the inbox was cancelled.
    @discardableResult
    @usableFromInline package func push(_ element: StreamElement, channel: Int) throws -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        var waited: UInt64 = 0
        if element.isRecords {
            if recordBatches[channel] >= creditsPerChannel && !cancelled {
                let start = DispatchTime.now().uptimeNanoseconds
                while recordBatches[channel] >= creditsPerChannel && !cancelled {
                    // Signalled exactly once for each time the flag is set (by a take or a cancel).
                    producerWaiting[channel] = true
                    condition.unlock()
                    creditSignals[channel].wait()
                    condition.lock()
                }
                waited = DispatchTime.now().uptimeNanoseconds - start
                blockedNanos += waited
            }
            recordBatches[channel] += 1
        }
        if cancelled { throw failure ?? TaskCancelledError() }
        queues[channel].append(element)
        if waitingForData { condition.broadcast() }
        return waited
    }

    /// Appends an element that arrived from the network without waiting: the credits the
    /// receiver granted bound how many record batches a network channel can hold.
    @usableFromInline package func offer(_ element: StreamElement, channel: Int) {
        condition.lock()
        defer { condition.unlock() }
        if cancelled { return }
        if element.isRecords { recordBatches[channel] += 1 }
        queues[channel].append(element)
        if waitingForData { condition.broadcast() }
    }

    /// Calls `listener` each time a record batch of `channel` is taken (set before the task runs).
    @usableFromInline package func onConsumed(channel: Int, _ listener: @escaping @Sendable () -> Void) {
        condition.lock()
        consumedListeners[channel] = listener
        condition.unlock()
    }

    /// Cancels the inbox with a failure: the task's next wait or push throws `error`.
    @usableFromInline package func fail(_ error: any Error) {
        condition.lock()
        if !cancelled {
            cancelled = true
            failure = error
        }
        wakeWaitingProducers()
        condition.broadcast()
        condition.unlock()
    }

    /// Lets every producer waiting for credit re-check (the inbox was cancelled); under the lock.
    private func wakeWaitingProducers() {
        for channel in producerWaiting.indices where producerWaiting[channel] {
            producerWaiting[channel] = false
            creditSignals[channel].signal()
        }
    }

    /// Enqueues a control action to run on the task's thread.
    @usableFromInline package func sendMail(_ action: @escaping @Sendable () -> Void) {
        condition.lock()
        mails.append(.mail(action))
        condition.broadcast()
        condition.unlock()
    }

    /// Enqueues a checkpoint control message for the task.
    @usableFromInline package func sendControl(_ control: TaskControl) {
        condition.lock()
        mails.append(.control(control))
        condition.broadcast()
        condition.unlock()
    }

    /// Stops handing out elements of `channel` (called by the task itself while aligning).
    @usableFromInline package func block(channel: Int) {
        condition.lock()
        blocked[channel] = true
        condition.unlock()
    }

    /// Resumes every blocked channel.
    @usableFromInline package func unblockAll() {
        condition.lock()
        for i in blocked.indices { blocked[i] = false }
        condition.broadcast()
        condition.unlock()
    }

    /// Cancels the inbox: wakes every waiter; later pushes and waits throw or return at once.
    @usableFromInline package func cancel() {
        condition.lock()
        cancelled = true
        wakeWaitingProducers()
        condition.broadcast()
        condition.unlock()
    }

    @usableFromInline package var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// Total time producers were blocked pushing into this inbox, in nanoseconds.
    @usableFromInline package var producerBlockedNanos: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return blockedNanos
    }

    /// Share of `channel`'s credits its queued record batches take.
    @usableFromInline package func usage(channel: Int) -> Double {
        condition.lock()
        defer { condition.unlock() }
        return min(1, Double(recordBatches[channel]) / Double(creditsPerChannel))
    }

    /// Share of all channels' credits the queued record batches take (Flink's inPoolUsage).
    @usableFromInline package var usage: Double {
        condition.lock()
        defer { condition.unlock() }
        guard !recordBatches.isEmpty else { return 0 }
        return min(1, Double(recordBatches.reduce(0, +)) / Double(creditsPerChannel * recordBatches.count))
    }

    /// Takes the next mail or element (channels served round-robin), waiting until `deadline`
    /// (nil: forever). `readData: false` waits for mail only. Throws when cancelled.
    @usableFromInline package func next(deadline: Date?, readData: Bool = true) throws -> InboxEvent {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if cancelled { throw failure ?? TaskCancelledError() }
            if let mail = mails.popFirst() { return mail }
            if readData, let event = popElement() { return event }
            waitingForData = true
            if let deadline {
                if !condition.wait(until: deadline) {
                    waitingForData = false
                    if cancelled { throw failure ?? TaskCancelledError() }
                    if let mail = mails.popFirst() { return mail }
                    if readData, let event = popElement() { return event }
                    return .timeout
                }
            } else {
                condition.wait()
            }
            waitingForData = false
        }
    }

    /// Takes an element without waiting, or nil.
    @usableFromInline package func poll() throws -> InboxEvent? {
        condition.lock()
        defer { condition.unlock() }
        if cancelled { throw failure ?? TaskCancelledError() }
        if let mail = mails.popFirst() { return mail }
        return popElement()
    }

    private func popElement() -> InboxEvent? {
        let n = queues.count
        guard n > 0 else { return nil }
        for step in 0..<n {
            let ch = (nextChannel + step) % n
            if blocked[ch] { continue }
            if let element = queues[ch].popFirst() {
                if element.isRecords {
                    recordBatches[ch] -= 1
                    if producerWaiting[ch] {
                        producerWaiting[ch] = false
                        creditSignals[ch].signal()
                    }
                    consumedListeners[ch]?()
                }
                nextChannel = (ch + 1) % n
                return .element(channel: ch, element)
            }
        }
        return nil
    }
}
