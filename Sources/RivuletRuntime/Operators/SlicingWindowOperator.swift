// Sliding event-time windows whose overlapping windows share slices (Flink SQL's slice
// sharing, Arroyo's panes): an element is added once, not once per window.

import RivuletCore

/// Keyed sliding event-time windows of `size` every `slide` (`size` a multiple of `slide`),
/// aggregated or reduced, with the default event-time trigger and no allowed lateness.
///
/// Each element goes into the slice `[start, start + slide)` that holds its time, so its cost
/// does not grow with `size / slide` as `WindowOperator`'s does (one state update per window
/// it falls in). A window is the merge of its `size / slide` slices, computed when the
/// watermark passes its end. Per key, one event-time timer waits for the next window to
/// fire: a new slice registers the first window that contains it, and a firing window
/// registers the next one while later slices exist. The window's first slice is no longer
/// needed once it fired and is dropped. Results are those of `WindowOperator` (for a reduce
/// function, up to the order in which slices are combined; an aggregate's `merge` combines
/// slices). A snapshot of the per-window operator restores into that operator instead
/// (`WindowedStream.apply`). Windows end at most at `Int64.max`: an element whose slice or
/// windows would end beyond it is late (as `SlidingEventTimeWindows` cuts such windows off).
public final class SlicingWindowOperator<K: StreamKey, In: Sendable, Acc, Out: Sendable, M: KeyedStateMap>: OneInputStreamOperator
where M.Key == K, M.Namespace == TimeWindow, M.Value == Acc {
    public let output: Output<Out>
    @usableFromInline let size: Int64
    @usableFromInline let slide: Int64
    @usableFromInline let offset: Int64
    @usableFromInline let lateDataTag: String?
    @usableFromInline let keySelector: @Sendable (In) -> K
    @usableFromInline let contents: WindowContents<K, In, Acc, Out, TimeWindow>
    /// The contents of each (key, slice).
    @usableFromInline let slices: M
    /// Per key, the next window to fire (namespace: the window).
    @usableFromInline let timers: InternalTimerService<K, TimeWindow>
    @usableFromInline let collector: Collector<Out>
    /// The keyed state of this operator: slices and timers, registered for checkpoints.
    public let backend: KeyedStateBackend<K>
    /// Late records dropped because no side output was configured.
    public var numLateRecordsDropped: Int { lateRecordsDropped }
    @exclusivity(unchecked) @usableFromInline var lateRecordsDropped = 0
    /// The keys of the batch being processed (reused from batch to batch).
    @exclusivity(unchecked) @usableFromInline var batchKeys: [K] = []

    /// Whether windows of `assigner` fired by `trigger` can be sliced: sliding event-time
    /// windows made of whole slides, the default trigger, no allowed lateness.
    @inlinable
    public static func applies<A: WindowAssigner, Tr: Trigger>(to assigner: A, trigger: Tr, allowedLateness: Int64) -> Bool {
        guard let sliding = assigner as? SlidingEventTimeWindows, Tr.self == EventTimeTrigger.self, allowedLateness == 0 else { return false }
        return sliding.size > sliding.slide && sliding.size % sliding.slide == 0
    }

    @inlinable
    public init(
        assigner: SlidingEventTimeWindows, lateDataTag: String?, keySelector: @escaping @Sendable (In) -> K,
        contents: WindowContents<K, In, Acc, Out, TimeWindow>, context: OperatorContext, output: Output<Out>, map: M.Type = M.self
    ) throws {
        size = assigner.size
        slide = assigner.slide
        offset = assigner.offset
        self.lateDataTag = lateDataTag
        self.keySelector = keySelector
        self.contents = contents
        self.output = output
        collector = Collector(output)
        timers = InternalTimerService(processingTimeService: context.processingTimeService)
        backend = try KeyedStateBackend<K>(context: context)
        slices = try M.register("_window-slices", signature: "WindowSlices<\(Acc.self)>", in: backend)
        timers.onEventTime = { [unowned self] timer in try self.fire(timer) }
        try backend.registerTimers("_timers", timers)
    }

    // MARK: Elements

    @inlinable
    public func processElement(_ value: In, timestamp: Int64) throws {
        try process(value, key: keySelector(value), timestamp: timestamp)
    }

    /// Extracts each record's key once and prefetches its slice 16 records ahead when the
    /// slices outgrow the cache (as `WindowOperator` does for its windows).
    @inlinable
    public func processBatch(_ records: [StreamRecord<In>]) throws {
        let distance = 16
        guard records.count > distance, slices.prefetchPays else {
            for r in records { try processElement(r.value, timestamp: r.timestamp) }
            return
        }
        batchKeys.removeAll(keepingCapacity: true)
        for r in records { batchKeys.append(keySelector(r.value)) }
        func prefetch(_ i: Int) {
            let timestamp = records[i].timestamp
            if timestamp == StreamTime.noTimestamp { return }
            if let slice = slice(containing: timestamp) { slices.prefetch(batchKeys[i], slice) }
        }
        for i in 0..<distance { prefetch(i) }
        for i in records.indices {
            if i + distance < records.count { prefetch(i + distance) }
            try process(records[i].value, key: batchKeys[i], timestamp: records[i].timestamp)
        }
    }

    /// The slice that holds `timestamp`, or nil when its last window would end past `Int64.max`.
    @inlinable
    func slice(containing timestamp: Int64) -> TimeWindow? {
        let start = TimeWindow.windowStart(timestamp: timestamp, offset: offset, windowSize: slide)
        let (lastEnd, overflow) = start.addingReportingOverflow(size)
        guard !overflow, lastEnd < Int64.max else { return nil }
        return TimeWindow(start: start, end: start + slide)
    }

    @inlinable
    func process(_ value: In, key: K, timestamp: Int64) throws {
        if timestamp == StreamTime.noTimestamp { throw MissingTimestampError() }
        let watermark = timers.currentWatermark
        // Every window that holds the slice has fired (or none can end): the element is late.
        guard let slice = slice(containing: timestamp), slice.start + size - 1 > watermark else {
            if let lateDataTag {
                try output.side(lateDataTag, value, timestamp)
            } else {
                lateRecordsDropped += 1
            }
            return
        }
        let created = try slices.upsert(key, slice) { try contents.add(value, &$0) }
        guard created else { return }
        // The first window holding the slice that has not fired yet.
        var end = slice.end
        if end - 1 <= watermark { end += ((watermark - (end - 1)) / slide + 1) * slide }
        timers.registerEventTimeTimer(key: key, namespace: TimeWindow(start: end - size, end: end), time: end - 1)
    }

    // MARK: Time

    @inlinable
    public func processWatermark(_ watermark: Int64) throws {
        try timers.advanceWatermark(watermark)
        try output.watermark(watermark)
    }

    /// Emits `window` of the timer's key from its slices, drops the window's first slice, and
    /// waits for the next window while later slices exist.
    @inlinable
    func fire(_ timer: TimerEntry<K, TimeWindow>) throws {
        let key = timer.key, window = timer.namespace
        var acc: Acc?
        var later = false
        var start = window.start
        while start < window.end {
            if let part = try slices.value(key, TimeWindow(start: start, end: start + slide)) {
                acc = try acc.map { try contents.merge($0, part) } ?? part
                if start > window.start { later = true }
            }
            start += slide
        }
        if let acc {
            collector.timestamp = window.maxTimestamp
            let context = WindowContext(window: window, currentWatermark: timers.currentWatermark, currentProcessingTime: 0)
            try contents.emit(key, context, acc, collector)
        }
        try slices.removeValue(key, TimeWindow(start: window.start, end: window.start + slide))
        if later {
            let next = TimeWindow(start: window.start + slide, end: window.end + slide)
            timers.registerEventTimeTimer(key: key, namespace: next, time: next.maxTimestamp)
        }
    }
}
