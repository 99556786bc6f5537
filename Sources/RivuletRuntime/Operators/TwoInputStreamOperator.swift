// The two-input operator contract (Flink's TwoInputStreamOperator): combined watermark of both inputs.

import RivuletCore

/// An operator with two inputs of possibly different types.
public protocol TwoInputStreamOperator: AnyObject {
    associatedtype In1: Sendable
    associatedtype In2: Sendable
    associatedtype Out
    var output: Output<Out> { get }
    /// Tracks both inputs' watermarks and idleness; the operator's watermark is their minimum.
    var watermarks: TwoInputWatermarks { get set }
    func open() throws
    func processElement1(_ value: In1, timestamp: Int64) throws
    func processElement2(_ value: In2, timestamp: Int64) throws
    /// The combined watermark advanced (fire timers here, then forward it).
    func advanceWatermark(_ watermark: Int64) throws
    func finish() throws
    func close() throws
}

extension TwoInputStreamOperator {
    @inlinable public func open() throws {}
    @inlinable public func advanceWatermark(_ watermark: Int64) throws { try output.watermark(watermark) }
    @inlinable public func finish() throws {}
    @inlinable public func close() throws {}

    @inlinable
    func inputWatermark(_ watermark: Int64, input: Int) throws {
        if let combined = watermarks.update(input: input, watermark: watermark) { try advanceWatermark(combined) }
    }

    @inlinable
    func inputStatus(_ status: WatermarkStatus, input: Int) throws {
        let (combined, statusChange) = watermarks.update(input: input, status: status)
        if let combined { try advanceWatermark(combined) }
        if let statusChange { try output.status(statusChange) }
    }

    /// Wraps this operator into closures for its task (specialised where `Self` is concrete).
    @inlinable
    public func makeRuntime(name: String) -> OperatorRuntime {
        let batch1: (AnyObject) throws -> Void = { [self] object in
            guard let batch = object as? RecordBatch<In1> else {
                throw RuntimeInvariantError("operator '\(name)' received a batch of the wrong type on input 1")
            }
            do {
                for r in batch.records { try self.processElement1(r.value, timestamp: r.timestamp) }
            } catch { throw attributed(name, error) }
        }
        let batch2: (AnyObject) throws -> Void = { [self] object in
            guard let batch = object as? RecordBatch<In2> else {
                throw RuntimeInvariantError("operator '\(name)' received a batch of the wrong type on input 2")
            }
            do {
                for r in batch.records { try self.processElement2(r.value, timestamp: r.timestamp) }
            } catch { throw attributed(name, error) }
        }
        let record1: RecordEntry = { [self] p, t in
            do { try self.processElement1(p.assumingMemoryBound(to: In1.self).pointee, timestamp: t) } catch { throw attributed(name, error) }
        }
        let record2: RecordEntry = { [self] p, t in
            do { try self.processElement2(p.assumingMemoryBound(to: In2.self).pointee, timestamp: t) } catch { throw attributed(name, error) }
        }
        return OperatorRuntime(
            name: name,
            batchInputs: [batch1, batch2],
            recordInputs: [RecordInput(record1), RecordInput(record2)],
            inputTypeNames: ["\(In1.self)", "\(In2.self)"],
            watermarkInputs: [
                { [self] in
                    do { try self.inputWatermark($0, input: 0) } catch { throw attributed(name, error) }
                },
                { [self] in
                    do { try self.inputWatermark($0, input: 1) } catch { throw attributed(name, error) }
                },
            ],
            statusInputs: [
                { [self] in try self.inputStatus($0, input: 0) },
                { [self] in try self.inputStatus($0, input: 1) },
            ],
            open: { [self] in try self.open() },
            finish: { [self] in try self.finish() },
            flush: {},
            close: { [self] in try self.close() })
    }
}

/// The watermark of a two-input operator: the minimum of its active inputs.
public struct TwoInputWatermarks: Sendable {
    @usableFromInline var marks: (Int64, Int64) = (Int64.min, Int64.min)
    @usableFromInline var idle: (Bool, Bool) = (false, false)
    /// The combined watermark emitted last.
    public private(set) var current: Int64 = Int64.min

    public init() {}

    /// Records a watermark of one input; returns the combined watermark if it advanced.
    public mutating func update(input: Int, watermark: Int64) -> Int64? {
        if input == 0 { marks.0 = max(marks.0, watermark) } else { marks.1 = max(marks.1, watermark) }
        return recompute()
    }

    /// Records an input's status; returns the advanced watermark and the operator's new status, if any.
    public mutating func update(input: Int, status: WatermarkStatus) -> (Int64?, WatermarkStatus?) {
        let wasIdle = idle.0 && idle.1
        if input == 0 { idle.0 = status == .idle } else { idle.1 = status == .idle }
        let isIdle = idle.0 && idle.1
        return (recompute(), wasIdle == isIdle ? nil : (isIdle ? .idle : .active))
    }

    mutating func recompute() -> Int64? {
        let combined: Int64
        switch idle {
        case (false, false): combined = min(marks.0, marks.1)
        case (true, false): combined = marks.1
        case (false, true): combined = marks.0
        case (true, true): return nil
        }
        guard combined > current else { return nil }
        current = combined
        return combined
    }
}
