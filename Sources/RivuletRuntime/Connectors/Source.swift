// The source contract: a Sendable description that creates one pull-based reader per subtask.

import RivuletCore

/// Reads records for one subtask. The task calls `pollNext` between its other work
/// (timers, control mail), so a reader never blocks for long.
public protocol SourceReader {
    associatedtype Output: Sendable
    /// A piece of replayable input with its progress (Flink's source split), kept in operator
    /// state at checkpoints and redistributed when parallelism changes.
    associatedtype Split: BinaryCodable = NoSplit
    mutating func open(_ context: OperatorContext) throws
    /// Emits at most a batch of records through `emit(value, timestamp)` and reports what is next.
    mutating func pollNext(_ emit: (Output, Int64) throws -> Void) throws -> SourcePollResult
    mutating func close() throws
    /// The input still to read, with progress; nil when the source cannot be replayed.
    func currentSplits() -> [Split]?
    /// Continues from restored splits instead of the subtask's initial ones (called after open).
    mutating func restore(splits: [Split]) throws
}

extension SourceReader {
    public mutating func open(_ context: OperatorContext) throws {}
    public mutating func close() throws {}
}

extension SourceReader where Split == NoSplit {
    public func currentSplits() -> [NoSplit]? { nil }
    public mutating func restore(splits: [NoSplit]) throws {}
}

/// The split of a source that cannot be replayed (a socket): nothing to store.
public struct NoSplit: BinaryCodable, Sendable {
    public init() {}
    public func encode(to writer: inout BinaryWriter) {}
    public init(from reader: inout BinaryReader) throws {}
}

/// A strided run of record indices `next, next+step, ...` below `end` (collection and
/// generator sources; nil end: unbounded).
public struct StrideSplit: BinaryCodable, Sendable, Equatable {
    public var next: Int64
    public var step: Int64
    public var end: Int64?

    public init(next: Int64, step: Int64, end: Int64?) {
        self.next = next
        self.step = step
        self.end = end
    }

    public var isFinished: Bool { end.map { next >= $0 } ?? false }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(next)
        writer.writeInt64(step)
        end.encode(to: &writer)
    }

    public init(from reader: inout BinaryReader) throws {
        next = try reader.readInt64()
        step = try reader.readInt64()
        end = try Int64?(from: &reader)
        guard step >= 1 else { throw SerializationError.invalidValue("split step \(step) must be at least 1") }
    }
}

/// A source: configuration shared by all subtasks; each subtask gets its own reader.
public protocol Source: Sendable {
    associatedtype Reader: SourceReader
    /// The highest parallelism the source supports (nil: any).
    var maxSourceParallelism: Int? { get }
    func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader
}

extension Source {
    public var maxSourceParallelism: Int? { nil }
}

/// Records a source emits per poll before the task looks at its mailbox again.
public let sourceRecordsPerPoll = 512
