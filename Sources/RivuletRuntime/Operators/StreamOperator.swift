// The operator contract (Flink's OneInputStreamOperator) and how an operator becomes a runtime.

import RivuletCore

/// An operator with one input. Every hook but `processElement` has a default.
public protocol OneInputStreamOperator: AnyObject {
    associatedtype In: Sendable
    associatedtype Out
    var output: Output<Out> { get }
    func open() throws
    func processElement(_ value: In, timestamp: Int64) throws
    /// The records of one batch from an upstream task, in order (the default calls
    /// `processElement` for each; an operator may hoist per-record work out of the loop).
    func processBatch(_ records: [StreamRecord<In>]) throws
    func processWatermark(_ watermark: Int64) throws
    func processWatermarkStatus(_ status: WatermarkStatus) throws
    func finish() throws
    func flush() throws
    func close() throws
}

extension OneInputStreamOperator {
    @inlinable public func open() throws {}
    @inlinable public func processBatch(_ records: [StreamRecord<In>]) throws {
        for r in records { try processElement(r.value, timestamp: r.timestamp) }
    }
    @inlinable public func processWatermark(_ watermark: Int64) throws { try output.watermark(watermark) }
    @inlinable public func processWatermarkStatus(_ status: WatermarkStatus) throws { try output.status(status) }
    @inlinable public func finish() throws {}
    @inlinable public func flush() throws {}
    @inlinable public func close() throws {}

    /// Wraps this operator into closures for its chain (specialised where `Self` is concrete).
    @inlinable
    public func makeRuntime(name: String) -> OperatorRuntime {
        let record: RecordEntry = { [self] pointer, timestamp in
            do {
                try self.processElement(pointer.assumingMemoryBound(to: In.self).pointee, timestamp: timestamp)
            } catch {
                throw attributed(name, error)
            }
        }
        let batch: (AnyObject) throws -> Void = { [self] object in
            guard let batch = object as? RecordBatch<In> else {
                throw RuntimeInvariantError("operator '\(name)' received a batch of the wrong record type")
            }
            do {
                try self.processBatch(batch.records)
            } catch {
                throw attributed(name, error)
            }
        }
        return OperatorRuntime(
            name: name,
            batchInputs: [batch],
            recordInputs: [RecordInput(record)],
            inputTypeNames: ["\(In.self)"],
            watermarkInputs: [
                { [self] in
                    do { try self.processWatermark($0) } catch { throw attributed(name, error) }
                }
            ],
            statusInputs: [{ [self] in try self.processWatermarkStatus($0) }],
            open: { [self] in try self.open() },
            finish: { [self] in try self.finish() },
            flush: { [self] in try self.flush() },
            close: { [self] in try self.close() })
    }
}
