// countWindow(size, slide): every `slide` elements of a key, a function over its last `size` elements.

import RivuletCore

/// Sliding count windows (Flink's `countWindow(size, slide)`: GlobalWindows with
/// CountTrigger(slide) and CountEvictor(size)). Each key keeps its last `size` elements; every
/// `slide` elements the window function runs over them.
public struct SlidingCountWindowedStream<T: Sendable, K: StreamKey> {
    public let keyed: KeyedStream<T, K>
    public let size: Int
    public let slide: Int64

    @inlinable
    init(keyed: KeyedStream<T, K>, size: Int, slide: Int64) {
        self.keyed = keyed
        self.size = size
        self.slide = slide
    }

    @inlinable
    func apply<Out: Sendable>(
        _ name: String,
        _ emit: @escaping @Sendable (K, WindowContext<GlobalWindow>, [T], Collector<Out>) throws -> Void
    ) -> DataStream<Out> {
        let size = self.size
        return WindowedStream(keyed: keyed, assigner: GlobalWindows(), trigger: CountTrigger<GlobalWindow>.of(slide))
            .apply(name) {
                WindowContents<K, T, [T], Out, GlobalWindow>(
                    add: { value, buffer in
                        if buffer != nil {
                            buffer?.append(value)
                            // The evictor: keep only the last `size` elements.
                            if let count = buffer?.count, count > size { buffer?.removeFirst(count - size) }
                        } else {
                            buffer = [value]
                        }
                    },
                    merge: { $0 + $1 },
                    emit: emit)
            }
    }

    /// Reduces the last `size` elements with `function` at every slide.
    @inlinable
    public func reduce(_ function: @escaping @Sendable (T, T) throws -> T) -> DataStream<T> {
        apply("Sliding Count Window Reduce") { _, _, elements, out in
            guard var result = elements.first else { return }
            for e in elements.dropFirst() { result = try function(result, e) }
            try out.collect(result)
        }
    }

    /// Aggregates the last `size` elements with `function` at every slide.
    @inlinable
    public func aggregate<F: AggregateFunction>(_ function: F) -> DataStream<F.Result> where F.Input == T, F.Result: Sendable {
        apply("Sliding Count Window Aggregate") { _, _, elements, out in
            var acc = function.createAccumulator()
            for e in elements { try function.add(e, to: &acc) }
            try out.collect(try function.result(acc))
        }
    }

    /// Passes the last `size` elements to `function` at every slide.
    @inlinable
    public func process<P: ProcessWindowFunction>(_ function: P) -> DataStream<P.Output>
    where P.Input == T, P.Key == K, P.W == GlobalWindow {
        apply("Sliding Count Window Process") { key, context, elements, out in
            try function.process(key: key, context: context, elements: elements, out: out)
        }
    }
}

extension KeyedStream {
    /// Sliding count windows: every `slide` elements of a key, over its last `size` elements.
    /// Both must be at least 1.
    @inlinable
    public func countWindow(_ size: Int64, slide: Int64) throws -> SlidingCountWindowedStream<T, K> {
        guard size >= 1, size <= Int64(Int32.max) else {
            throw WindowConfigurationError(component: "countWindow", parameter: "size", value: size, requirement: "1 <= size <= 2^31-1")
        }
        guard slide >= 1 else {
            throw WindowConfigurationError(component: "countWindow", parameter: "slide", value: slide, requirement: "slide >= 1")
        }
        return SlidingCountWindowedStream(keyed: self, size: Int(size), slide: slide)
    }
}
