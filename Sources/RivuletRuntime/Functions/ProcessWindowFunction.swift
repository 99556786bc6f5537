// A function over all elements (or the aggregate) of one window (Flink's ProcessWindowFunction).

import RivuletCore

/// Called once per key and window firing with the window's contents.
public protocol ProcessWindowFunction: Sendable {
    associatedtype Input
    associatedtype Output: Sendable
    associatedtype Key: StreamKey
    associatedtype W: Window
    func process(key: Key, context: WindowContext<W>, elements: [Input], out: Collector<Output>) throws
}

/// What a window function knows about the firing.
public struct WindowContext<W: Window> {
    public let window: W
    public let currentWatermark: Int64
    public let currentProcessingTime: Int64

    @inlinable
    public init(window: W, currentWatermark: Int64, currentProcessingTime: Int64) {
        self.window = window
        self.currentWatermark = currentWatermark
        self.currentProcessingTime = currentProcessingTime
    }
}
