// A keyed stream grouped into windows, and the window functions that reduce them.

import RivuletCore

/// A keyed stream split into windows by `assigner`, fired by `trigger` (Flink's WindowedStream).
public struct WindowedStream<T: Sendable, K: StreamKey, A: WindowAssigner, Tr: Trigger> where Tr.W == A.W {
    public typealias W = A.W
    public let keyed: KeyedStream<T, K>
    public let assigner: A
    public let trigger: Tr
    public let allowedLatenessMillis: Int64
    public let lateDataTag: String?

    @inlinable
    public init(keyed: KeyedStream<T, K>, assigner: A, trigger: Tr, allowedLatenessMillis: Int64 = 0, lateDataTag: String? = nil) {
        self.keyed = keyed
        self.assigner = assigner
        self.trigger = trigger
        self.allowedLatenessMillis = allowedLatenessMillis
        self.lateDataTag = lateDataTag
    }

    /// Replaces the assigner's default trigger.
    @inlinable
    public func trigger<T2: Trigger>(_ trigger: T2) -> WindowedStream<T, K, A, T2> where T2.W == A.W {
        WindowedStream<T, K, A, T2>(
            keyed: keyed, assigner: assigner, trigger: trigger,
            allowedLatenessMillis: allowedLatenessMillis, lateDataTag: lateDataTag)
    }

    /// Keeps event-time windows for `lateness` after the watermark passed their end; late
    /// elements within it fire the window again.
    @inlinable
    public func allowedLateness(_ lateness: Duration) -> WindowedStream<T, K, A, Tr> {
        WindowedStream(
            keyed: keyed, assigner: assigner, trigger: trigger,
            allowedLatenessMillis: max(0, lateness.milliseconds), lateDataTag: lateDataTag)
    }

    /// Sends elements that arrive after their windows were cleaned up to side output `tag`.
    @inlinable
    public func sideOutputLateData(_ tag: OutputTag<T>) -> WindowedStream<T, K, A, Tr> {
        WindowedStream(
            keyed: keyed, assigner: assigner, trigger: trigger,
            allowedLatenessMillis: allowedLatenessMillis, lateDataTag: tag.id)
    }

    /// Adds the window operator with the given contents handling. With `slicing` (the
    /// contents merge like an aggregate, so a window can be built from parts), sliding
    /// event-time windows share slices (`SlicingWindowOperator`), unless
    /// `pipeline.window-slicing` is false or the operator restores a snapshot of the
    /// per-window operator.
    @inlinable
    public func apply<Acc, Out: Sendable>(
        _ name: String, slicing: Bool = false, _ contents: @escaping @Sendable () -> WindowContents<K, T, Acc, Out, W>
    ) -> DataStream<Out> {
        let assigner = self.assigner, trigger = self.trigger, lateness = allowedLatenessMillis
        let tag = lateDataTag, key = keyed.key
        let sliced =
            slicing
            && SlicingWindowOperator<K, T, Acc, Out, StateHashMap<K, TimeWindow, Acc>>.applies(
                to: assigner, trigger: trigger, allowedLateness: lateness)
        return keyed.transform(
            name,
            { ctx, out in
                let output: Output<Out> = try castOutput(out, ctx)
                // A snapshot of the per-window operator (taken before windows were sliced)
                // restores into that operator: the slicing one would not find its windows.
                let perWindowSnapshot = ctx.restored?.keyedStateNames.contains("_window-contents") ?? false
                if sliced, !perWindowSnapshot, ctx.configuration[PipelineOptions.windowSlicing], let sliding = assigner as? SlidingEventTimeWindows,
                    let timeContents = contents() as? WindowContents<K, T, Acc, Out, TimeWindow>
                {
                    if ctx.configuration.usesRocksDB {
                        return try SlicingWindowOperator(
                            assigner: sliding, lateDataTag: tag, keySelector: key, contents: timeContents, context: ctx, output: output,
                            map: RocksDBStateMap<K, TimeWindow, Acc>.self
                        ).makeRuntime(name: ctx.operatorName)
                    }
                    return try SlicingWindowOperator(
                        assigner: sliding, lateDataTag: tag, keySelector: key, contents: timeContents, context: ctx, output: output,
                        map: StateHashMap<K, TimeWindow, Acc>.self
                    ).makeRuntime(name: ctx.operatorName)
                }
                if ctx.configuration.usesRocksDB {
                    return try WindowOperator(
                        assigner: assigner, trigger: trigger, allowedLateness: lateness, lateDataTag: tag,
                        keySelector: key, contents: contents(), context: ctx, output: output,
                        map: RocksDBStateMap<K, W, Acc>.self
                    ).makeRuntime(name: ctx.operatorName)
                }
                return try WindowOperator(
                    assigner: assigner, trigger: trigger, allowedLateness: lateness, lateDataTag: tag,
                    keySelector: key, contents: contents(), context: ctx, output: output,
                    map: StateHashMap<K, W, Acc>.self
                ).makeRuntime(name: ctx.operatorName)
            }, outputType: RecordType(Out.self))
    }

    /// Reduces each window's elements to one with `function`.
    @inlinable
    public func reduce(_ function: @escaping @Sendable (T, T) throws -> T) -> DataStream<T> {
        apply("Window Reduce", slicing: true) {
            WindowContents<K, T, T, T, W>(
                add: { value, acc in
                    if let a = acc { acc = try function(a, value) } else { acc = value }
                },
                merge: function,
                emit: { _, _, acc, out in try out.collect(acc) })
        }
    }

    /// Reduces each window with `function`, then passes the result to `windowFunction`.
    @inlinable
    public func reduce<P: ProcessWindowFunction>(_ function: @escaping @Sendable (T, T) throws -> T, _ windowFunction: P) -> DataStream<P.Output>
    where P.Input == T, P.Key == K, P.W == W {
        apply("Window Reduce", slicing: true) {
            WindowContents<K, T, T, P.Output, W>(
                add: { value, acc in
                    if let a = acc { acc = try function(a, value) } else { acc = value }
                },
                merge: function,
                emit: { key, context, acc, out in try windowFunction.process(key: key, context: context, elements: [acc], out: out) })
        }
    }

    /// Aggregates each window's elements incrementally with `function`.
    @inlinable
    public func aggregate<F: AggregateFunction>(_ function: F) -> DataStream<F.Result> where F.Input == T, F.Result: Sendable {
        apply("Window Aggregate", slicing: true) {
            WindowContents<K, T, F.Accumulator, F.Result, W>(
                add: Self.accumulate(function),
                merge: function.merge,
                emit: { _, _, acc, out in try out.collect(try function.result(acc)) })
        }
    }

    /// Aggregates each window with `function`, then passes the result to `windowFunction`.
    @inlinable
    public func aggregate<F: AggregateFunction, P: ProcessWindowFunction>(_ function: F, _ windowFunction: P) -> DataStream<P.Output>
    where F.Input == T, P.Input == F.Result, P.Key == K, P.W == W {
        apply("Window Aggregate", slicing: true) {
            WindowContents<K, T, F.Accumulator, P.Output, W>(
                add: Self.accumulate(function),
                merge: function.merge,
                emit: { key, context, acc, out in
                    try windowFunction.process(key: key, context: context, elements: [try function.result(acc)], out: out)
                })
        }
    }

    /// Folds an element into an AggregateFunction's accumulator, in place.
    @inlinable
    static func accumulate<F: AggregateFunction>(_ function: F) -> (T, inout F.Accumulator?) throws -> Void where F.Input == T {
        { value, acc in
            var a = acc ?? function.createAccumulator()
            acc = nil  // leave `a` uniquely referenced, so adding does not copy it
            try function.add(value, to: &a)
            acc = a
        }
    }

    /// Buffers each window's elements and passes them all to `function` when it fires.
    @inlinable
    public func process<P: ProcessWindowFunction>(_ function: P) -> DataStream<P.Output> where P.Input == T, P.Key == K, P.W == W {
        apply("Window Process") {
            WindowContents<K, T, [T], P.Output, W>(
                add: { value, acc in
                    if acc != nil { acc?.append(value) } else { acc = [value] }
                },
                merge: { $0 + $1 },
                emit: { key, context, elements, out in try function.process(key: key, context: context, elements: elements, out: out) })
        }
    }
}
