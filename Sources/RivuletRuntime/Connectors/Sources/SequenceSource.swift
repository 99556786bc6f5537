// A bounded source of the integers from...to, split into contiguous ranges per subtask.

import RivuletCore

/// Emits every integer in `from...to` (`env.fromSequence`).
public struct SequenceSource: Source {
    public let from: Int
    public let to: Int

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        let total = to >= from ? to - from + 1 : 0
        let start = from + total * subtaskIndex / parallelism
        let end = from + total * (subtaskIndex + 1) / parallelism
        return Reader(next: start, end: end)
    }

    /// Emits `next..<end`, then any further ranges it was given at a restore.
    public struct Reader: SourceReader {
        /// The next value to emit (its position, for checkpoints).
        public var next: Int
        @usableFromInline var end: Int
        /// Ranges to read after the current one.
        @usableFromInline var queued: [SequenceSplit] = []

        public init(next: Int, end: Int) {
            self.next = next
            self.end = end
        }

        @inlinable
        public mutating func pollNext(_ emit: (Int, Int64) throws -> Void) throws -> SourcePollResult {
            while next >= end, !queued.isEmpty {
                let split = queued.removeFirst()
                next = split.next
                end = split.end
            }
            let stop = min(end, next + sourceRecordsPerPoll * 4)
            var v = next
            while v < stop {
                try emit(v, Int64.min)
                v += 1
            }
            next = v
            return next < end || queued.contains(where: { $0.next < $0.end }) ? .moreAvailable : .endOfInput
        }

        public func currentSplits() -> [SequenceSplit]? {
            ([SequenceSplit(next: next, end: end)] + queued).filter { $0.next < $0.end }
        }

        public mutating func restore(splits: [SequenceSplit]) throws {
            next = 0
            end = 0
            queued = splits
        }
    }
}

/// The unread part `next..<end` of a sequence.
public struct SequenceSplit: BinaryCodable, Sendable, Equatable {
    public var next: Int
    public var end: Int

    public init(next: Int, end: Int) {
        self.next = next
        self.end = end
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(Int64(next))
        writer.writeInt64(Int64(end))
    }

    public init(from reader: inout BinaryReader) throws {
        next = Int(try reader.readInt64())
        end = Int(try reader.readInt64())
    }
}
