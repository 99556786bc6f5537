// Flink's MergingWindowSet: tracks in-flight merging windows and the state window each one keeps its contents in.

/// The in-flight windows of one key for a merging assigner, each mapped to its *state window*: the window
/// whose namespace actually holds its contents (Flink's `MergingWindowSet`).
///
/// When windows merge, the result reuses the state window of one of the merged windows, so merging only
/// moves the other windows' state into it and never renames the state. Snapshot ``mapping`` and restore with
/// ``init(mapping:)``.
public struct MergingWindowSet<W: Window>: Sendable {
    /// In-flight window to its state window.
    public var mapping: [W: W]

    /// An empty set.
    @inlinable
    public init() {
        self.mapping = [:]
    }

    /// A set restored from a persisted ``mapping``.
    @inlinable
    public init(mapping: [W: W]) {
        self.mapping = mapping
    }

    /// The state window of an in-flight window, or `nil` if it is not in flight.
    @inlinable
    public func getStateWindow(_ window: W) -> W? {
        mapping[window]
    }

    /// Removes a window that has been purged for good and returns its state window (`nil` if it was not in
    /// flight, where Flink throws `IllegalStateException`).
    @inlinable
    @discardableResult
    public mutating func retireWindow(_ window: W) -> W? {
        mapping.removeValue(forKey: window)
    }

    /// Adds `newWindow` and merges it with the in-flight windows as the assigner decides (Flink's `addWindow`).
    ///
    /// For each merge, `mergeFunction(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows)` is
    /// called, where `mergedWindows` are the previously in-flight windows that merged (never `newWindow`),
    /// `stateWindowResult` is the state window kept for the result (one of the existing state windows) and
    /// `mergedStateWindows` the other state windows, whose contents must be merged into it. It is not called
    /// when `newWindow` merely falls inside one existing window.
    ///
    /// - Returns: the window `newWindow` ended up in: the merge result if it was merged away, else `newWindow`.
    @inlinable
    public mutating func addWindow(
        _ newWindow: W,
        assigner: some WindowAssigner<W>,
        mergeFunction: (_ mergeResult: W, _ mergedWindows: [W], _ stateWindowResult: W, _ mergedStateWindows: [W]) throws -> Void
    ) rethrows -> W {
        var windows = Array(mapping.keys)
        windows.append(newWindow)

        var mergeResults: [(result: W, merged: [W])] = []
        assigner.mergeWindows(windows) { toBeMerged, mergeResult in
            mergeResults.append((result: mergeResult, merged: toBeMerged))
        }

        var resultWindow = newWindow
        var mergedNewWindow = false

        for (mergeResult, toBeMerged) in mergeResults {
            var mergedWindows = toBeMerged
            if let index = mergedWindows.firstIndex(of: newWindow) {
                mergedWindows.remove(at: index)
                mergedNewWindow = true
                resultWindow = mergeResult
            }

            // Keep the state window of one of the merged windows for the result.
            guard let first = mergedWindows.first, let stateWindowResult = mapping[first] else { continue }

            var mergedStateWindows: [W] = []
            mergedStateWindows.reserveCapacity(mergedWindows.count)
            for window in mergedWindows {
                if let stateWindow = mapping.removeValue(forKey: window), stateWindow != stateWindowResult {
                    mergedStateWindows.append(stateWindow)
                }
            }
            mapping[mergeResult] = stateWindowResult

            // A new window inside one existing window merges nothing.
            if !(mergedWindows.count == 1 && mergedWindows[0] == mergeResult) {
                try mergeFunction(mergeResult, mergedWindows, stateWindowResult, mergedStateWindows)
            }
        }

        // The new window stands alone: it becomes its own state window (unless it is already in flight).
        if mergeResults.isEmpty || (resultWindow == newWindow && !mergedNewWindow) {
            if mapping[resultWindow] == nil {
                mapping[resultWindow] = resultWindow
            }
        }
        return resultWindow
    }
}
