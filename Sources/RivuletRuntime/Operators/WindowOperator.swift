// Keyed windows: assign, merge (sessions), trigger, fire, purge, clean up, route late data.

import RivuletCore

/// How a window operator keeps and emits the contents of a window: reduce keeps one value,
/// aggregate an accumulator, process the list of elements.
public struct WindowContents<K, In, Acc, Out, W: Window> {
    /// Folds an element into the window's contents (nil when the window is empty).
    public let add: (In, inout Acc?) throws -> Void
    /// Combines the contents of two windows that merge (session windows).
    public let merge: (Acc, Acc) throws -> Acc
    /// Emits the result of a firing window.
    public let emit: (K, WindowContext<W>, Acc, Collector<Out>) throws -> Void

    @inlinable
    public init(
        add: @escaping (In, inout Acc?) throws -> Void, merge: @escaping (Acc, Acc) throws -> Acc,
        emit: @escaping (K, WindowContext<W>, Acc, Collector<Out>) throws -> Void
    ) {
        self.add = add
        self.merge = merge
        self.emit = emit
    }
}

/// A record with no timestamp reached an event-time window.
public struct MissingTimestampError: Error, CustomStringConvertible {
    public init() {}
    public var description: String {
        "a record has no timestamp but the window is in event time: call assignTimestampsAndWatermarks(...) before the window, or use a processing-time window"
    }
}

/// Flink's WindowOperator for the heap backend.
public final class WindowOperator<K: StreamKey, In: Sendable, Acc, Out: Sendable, A: WindowAssigner, Tr: Trigger, M: KeyedStateMap>:
    OneInputStreamOperator
where Tr.W == A.W, M.Key == K, M.Namespace == A.W, M.Value == Acc {
    public typealias W = A.W
    public let output: Output<Out>
    @usableFromInline let assigner: A
    /// Whether the assigner's windows merge (sessions).
    @usableFromInline let isMerging: Bool
    @usableFromInline let trigger: Tr
    @usableFromInline let allowedLateness: Int64
    @usableFromInline let lateDataTag: String?
    @usableFromInline let keySelector: @Sendable (In) -> K
    @usableFromInline let contents: WindowContents<K, In, Acc, Out, W>
    /// Window contents by (key, state window).
    @usableFromInline let windows: M
    /// Merging window sets by key (merging assigners only).
    @exclusivity(unchecked) @usableFromInline var mergingSets: [K: MergingWindowSet<W>] = [:]
    @usableFromInline let timers: InternalTimerService<K, W>
    @usableFromInline let triggerState = TriggerStateTable<K, W>()
    @usableFromInline let collector: Collector<Out>
    /// The keyed state of this operator: contents, timers, merging sets and trigger state
    /// are registered in it for checkpoints.
    public let backend: KeyedStateBackend<K>
    /// Late records dropped because no side output was configured.
    public var numLateRecordsDropped: Int { lateRecordsDropped }
    @exclusivity(unchecked) @usableFromInline var lateRecordsDropped = 0
    /// The keys of the batch being processed (reused from batch to batch).
    @exclusivity(unchecked) @usableFromInline var batchKeys: [K] = []

    @inlinable
    public init(
        assigner: A, trigger: Tr, allowedLateness: Int64, lateDataTag: String?,
        keySelector: @escaping @Sendable (In) -> K, contents: WindowContents<K, In, Acc, Out, W>,
        context: OperatorContext, output: Output<Out>, map: M.Type = M.self
    ) throws {
        self.assigner = assigner
        self.isMerging = assigner.isMerging
        self.trigger = trigger
        self.allowedLateness = allowedLateness
        self.lateDataTag = lateDataTag
        self.keySelector = keySelector
        self.contents = contents
        self.output = output
        self.collector = Collector(output)
        self.timers = InternalTimerService(processingTimeService: context.processingTimeService)
        backend = try KeyedStateBackend<K>(context: context)
        windows = try M.register("_window-contents", signature: "WindowContents<\(W.self), \(Acc.self)>", in: backend)
        timers.onEventTime = { [unowned self] timer in try self.onTimer(timer, eventTime: true) }
        timers.onProcessingTime = { [unowned self] timer in try self.onTimer(timer, eventTime: false) }
        try registerState()
    }

    /// Registers every part of the operator's state with the backend (restoring it).
    @usableFromInline
    func registerState() throws {
        try backend.registerTimers("_timers", timers)
        let maxParallelism = backend.maxParallelism
        try backend.register(
            "_trigger-state", signature: "TriggerState<\(W.self)>",
            participant: KeyedStateParticipant(
                snapshot: { [unowned self] in
                    var groups: [Int: BinaryWriter] = [:]
                    for (slot, values) in triggerState.slots {
                        let group = KeyGroupRangeAssignment.keyGroup(for: slot.key, maxParallelism: maxParallelism)
                        groups[group, default: BinaryWriter()].append { w in
                            slot.key.encode(to: &w); slot.namespace.encode(to: &w); values.encode(to: &w)
                        }
                    }
                    return groups.mapValues(\.bytes)
                },
                restoreEntry: { [unowned self] _, r in
                    let key = try K(from: &r), window = try W(from: &r)
                    triggerState.slots[HeapStateKey(key, window)] = try [String: Int64](from: &r)
                }))
        guard isMerging else { return }
        try backend.register(
            "_merging-windows", signature: "MergingWindowSet<\(W.self)>",
            participant: KeyedStateParticipant(
                snapshot: { [unowned self] in
                    var groups: [Int: BinaryWriter] = [:]
                    for (key, set) in mergingSets {
                        let group = KeyGroupRangeAssignment.keyGroup(for: key, maxParallelism: maxParallelism)
                        groups[group, default: BinaryWriter()].append { w in
                            key.encode(to: &w)
                            w.writeVarUInt(UInt64(set.mapping.count))
                            for (window, stateWindow) in set.mapping { window.encode(to: &w); stateWindow.encode(to: &w) }
                        }
                    }
                    return groups.mapValues(\.bytes)
                },
                restoreEntry: { [unowned self] _, r in
                    let key = try K(from: &r)
                    var mapping: [W: W] = [:]
                    for _ in 0..<(try r.readCount("merging windows")) { mapping[try W(from: &r)] = try W(from: &r) }
                    mergingSets[key] = MergingWindowSet(mapping: mapping)
                }))
    }

    // MARK: Elements

    @inlinable
    public func processElement(_ value: In, timestamp: Int64) throws {
        try process(value, key: keySelector(value), timestamp: timestamp)
    }

    /// How many records ahead of the one it adds a batch prefetches window state for (as in
    /// `KeyedReduceOperator`).
    @inlinable static var prefetchDistance: Int { 16 }

    /// Extracts each record's key once and prefetches the state of its windows
    /// `prefetchDistance` records before adding it: with more (key, window) entries than the
    /// cache holds, the misses of a batch overlap. Merging windows (sessions) take the plain path.
    @inlinable
    public func processBatch(_ records: [StreamRecord<In>]) throws {
        let distance = Self.prefetchDistance
        guard !isMerging, records.count > distance, windows.prefetchPays else {
            for r in records { try processElement(r.value, timestamp: r.timestamp) }
            return
        }
        batchKeys.removeAll(keepingCapacity: true)
        for r in records { batchKeys.append(keySelector(r.value)) }
        let now = assigner.isEventTime ? 0 : timers.currentProcessingTime()
        func prefetch(_ i: Int) {
            let timestamp = records[i].timestamp
            if assigner.isEventTime && timestamp == StreamTime.noTimestamp { return }
            let key = batchKeys[i]
            assigner.assignWindows(timestamp: timestamp, currentProcessingTime: now) { windows.prefetch(key, $0) }
        }
        for i in 0..<distance { prefetch(i) }
        for i in records.indices {
            if i + distance < records.count { prefetch(i + distance) }
            try process(records[i].value, key: batchKeys[i], timestamp: records[i].timestamp)
        }
    }

    @inlinable
    func process(_ value: In, key: K, timestamp: Int64) throws {
        if assigner.isEventTime && timestamp == StreamTime.noTimestamp { throw MissingTimestampError() }
        let now = assigner.isEventTime ? 0 : timers.currentProcessingTime()
        var skipped = true
        if isMerging {
            // Taken out of the table while it changes, so that changing it does not copy it.
            var set = mergingSets.removeValue(forKey: key) ?? MergingWindowSet<W>()
            try assigner.assignWindows(timestamp: timestamp, currentProcessingTime: now) { window in
                let actual = try set.addWindow(window, assigner: assigner) { result, merged, stateResult, mergedStates in
                    try self.mergeWindows(key: key, result: result, merged: merged, stateResult: stateResult, mergedStates: mergedStates)
                }
                if isWindowLate(actual) {
                    _ = set.retireWindow(actual)
                    return
                }
                skipped = false
                let stateWindow = set.getStateWindow(actual) ?? actual
                try windows.upsert(key, stateWindow) { try contents.add(value, &$0) }
                try onElementTrigger(key: key, window: actual, stateWindow: stateWindow, timestamp: timestamp)
            }
            if !set.mapping.isEmpty { mergingSets[key] = set }
        } else {
            try assigner.assignWindows(timestamp: timestamp, currentProcessingTime: now) { window in
                if isWindowLate(window) { return }
                skipped = false
                let created = try windows.upsert(key, window) { try contents.add(value, &$0) }
                // The cleanup timer lives as long as the window's state: registered when the
                // state is created, so while it exists the same timer need not be looked up again.
                if created { registerCleanupTimer(key: key, window: window) }
                let cleanup = cleanupTime(window)
                try onElementTrigger(
                    key: key, window: window, stateWindow: window, timestamp: timestamp,
                    registeredTime: cleanup == Int64.max ? nil : cleanup)
            }
        }
        if skipped && isElementLate(timestamp) {
            if let lateDataTag {
                try output.side(lateDataTag, value, timestamp)
            } else {
                lateRecordsDropped += 1
            }
        }
    }

    @inlinable
    func onElementTrigger(key: K, window: W, stateWindow: W, timestamp: Int64, registeredTime: Int64? = nil) throws {
        var context = WindowTriggerContext(
            timers: timers, state: triggerState, key: key, window: window,
            registeredTime: registeredTime, eventTimeDomain: assigner.isEventTime)
        let result = trigger.onElement(timestamp: timestamp, window: window, context: &context)
        if result.isFire { try fire(key: key, window: window, stateWindow: stateWindow) }
        if result.isPurge { try windows.removeValue(key, stateWindow) }
        if registeredTime == nil { registerCleanupTimer(key: key, window: window) }
    }

    @inlinable
    func mergeWindows(key: K, result: W, merged: [W], stateResult: W, mergedStates: [W]) throws {
        if assigner.isEventTime && cleanupTime(result) <= timers.currentWatermark {
            throw StateAccessError("the end of an event-time window cannot become earlier than the current watermark by merging (window \(result))")
        }
        var states: [String: [Int64]] = [:]
        for window in merged {
            for (name, value) in triggerState.slots[HeapStateKey(key, window)] ?? [:] { states[name, default: []].append(value) }
        }
        for window in merged {
            var context = WindowTriggerContext(timers: timers, state: triggerState, key: key, window: window)
            trigger.clear(window: window, context: &context)
            triggerState.slots[HeapStateKey(key, window)] = nil
            deleteCleanupTimer(key: key, window: window)
        }
        var context = WindowTriggerContext(timers: timers, state: triggerState, key: key, window: result)
        trigger.onMerge(window: result, context: &context, mergedTriggerStates: states)
        for stateWindow in mergedStates where stateWindow != stateResult {
            guard let acc = try windows.removeValue(key, stateWindow) else { continue }
            try windows.upsert(key, stateResult) { target in target = try target.map { try contents.merge($0, acc) } ?? acc }
        }
    }

    // MARK: Time

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
        try timers.advanceWatermark(watermark)
        try output.watermark(watermark)
    }

    /// End of input: processing-time windows fire now (event-time ones fired with the final watermark).
    public func finish() throws {
        try timers.fireAllProcessingTimers()
    }

    @inlinable
    func onTimer(_ timer: TimerEntry<K, W>, eventTime: Bool) throws {
        let key = timer.key, window = timer.namespace
        var stateWindow = window
        if isMerging {
            guard let sw = mergingSets[key]?.getStateWindow(window) else { return }
            stateWindow = sw
        }
        var context = WindowTriggerContext(timers: timers, state: triggerState, key: key, window: window)
        let result =
            eventTime
            ? trigger.onEventTime(timer.timestamp, window: window, context: &context)
            : trigger.onProcessingTime(timer.timestamp, window: window, context: &context)
        if result.isFire { try fire(key: key, window: window, stateWindow: stateWindow) }
        if result.isPurge { try windows.removeValue(key, stateWindow) }
        if eventTime == assigner.isEventTime && timer.timestamp == cleanupTime(window) {
            try clearAllState(key: key, window: window, stateWindow: stateWindow)
        }
    }

    @inlinable
    func fire(key: K, window: W, stateWindow: W) throws {
        guard let acc = try windows.value(key, stateWindow) else { return }
        collector.timestamp = window.maxTimestamp
        let context = WindowContext(
            window: window, currentWatermark: timers.currentWatermark,
            currentProcessingTime: assigner.isEventTime ? 0 : timers.currentProcessingTime())
        try contents.emit(key, context, acc, collector)
    }

    @inlinable
    func clearAllState(key: K, window: W, stateWindow: W) throws {
        try windows.removeValue(key, stateWindow)
        var context = WindowTriggerContext(timers: timers, state: triggerState, key: key, window: window)
        trigger.clear(window: window, context: &context)
        if isMerging {
            _ = mergingSets[key]?.retireWindow(window)
            if mergingSets[key]?.mapping.isEmpty == true { mergingSets[key] = nil }
        }
    }

    // MARK: Lateness

    @inlinable
    func cleanupTime(_ window: W) -> Int64 {
        guard assigner.isEventTime else { return window.maxTimestamp }
        let (sum, overflow) = window.maxTimestamp.addingReportingOverflow(allowedLateness)
        return overflow ? Int64.max : sum
    }

    @inlinable
    func registerCleanupTimer(key: K, window: W) {
        let time = cleanupTime(window)
        if time == Int64.max { return }
        if assigner.isEventTime {
            timers.registerEventTimeTimer(key: key, namespace: window, time: time)
        } else {
            timers.registerProcessingTimeTimer(key: key, namespace: window, time: time)
        }
    }

    @inlinable
    func deleteCleanupTimer(key: K, window: W) {
        let time = cleanupTime(window)
        if time == Int64.max { return }
        if assigner.isEventTime {
            timers.deleteEventTimeTimer(key: key, namespace: window, time: time)
        } else {
            timers.deleteProcessingTimeTimer(key: key, namespace: window, time: time)
        }
    }

    @inlinable
    func isWindowLate(_ window: W) -> Bool {
        assigner.isEventTime && cleanupTime(window) <= timers.currentWatermark
    }

    @inlinable
    func isElementLate(_ timestamp: Int64) -> Bool {
        guard assigner.isEventTime else { return false }
        let (sum, overflow) = timestamp.addingReportingOverflow(allowedLateness)
        return !overflow && sum <= timers.currentWatermark
    }
}
