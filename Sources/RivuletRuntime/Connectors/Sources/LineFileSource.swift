// A bounded source of the lines of a file, each parsed into a record, split by byte ranges
// across subtasks.

import Foundation
import RivuletCore

/// Turns the bytes of one line (without its line break) into a record.
public typealias LineParser<Output> = @Sendable (UnsafeBufferPointer<UInt8>) throws -> Output

/// Emits each line of a file parsed by `parse` (CSV and other line formats; `env.readTextFile`
/// is the `String` form). Subtask i reads the lines that start in its byte range
/// `[i*size/p, (i+1)*size/p)`, so parallel readers split the file. The parser sees the line's
/// bytes in the read buffer, so a format that needs only some fields never copies the line.
public struct LineFileSource<Output: Sendable>: Source {
    public let path: String
    public let parse: LineParser<Output>

    public init(path: String, parse: @escaping LineParser<Output>) {
        self.path = path
        self.parse = parse
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        Reader(path: path, parse: parse, subtaskIndex: subtaskIndex, parallelism: parallelism)
    }

    /// Reads one byte range of the file in large chunks.
    public struct Reader: SourceReader {
        let path: String
        let parse: LineParser<Output>
        let subtaskIndex: Int
        let parallelism: Int
        var fd: Int32 = -1
        /// Offset of the next unread byte of the file (its position, for checkpoints).
        public private(set) var offset: Int64 = 0
        var end: Int64 = 0
        var buffer: [UInt8] = []
        var bufferStart = 0
        var done = false

        init(path: String, parse: @escaping LineParser<Output>, subtaskIndex: Int, parallelism: Int) {
            self.path = path
            self.parse = parse
            self.subtaskIndex = subtaskIndex
            self.parallelism = parallelism
        }

        public mutating func open(_ context: OperatorContext) throws {
            fd = Glibc.open(path, O_RDONLY)
            guard fd >= 0 else { throw ConnectorError("cannot read input file '\(path)': \(ConnectorError.errnoText())") }
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw ConnectorError("cannot stat '\(path)': \(ConnectorError.errnoText())") }
            if (st.st_mode & S_IFMT) == S_IFDIR { throw ConnectorError("input '\(path)' is a directory, not a file") }
            let size = Int64(st.st_size)
            let start = size * Int64(subtaskIndex) / Int64(parallelism)
            end = size * Int64(subtaskIndex + 1) / Int64(parallelism)
            offset = start
            if start > 0 {
                // The line that straddles `start` belongs to the previous range: skip to after its newline.
                var previous: UInt8 = 0
                guard pread(fd, &previous, 1, off_t(start - 1)) == 1 else {
                    throw ConnectorError("cannot read input file '\(path)': \(ConnectorError.errnoText())")
                }
                if previous != UInt8(ascii: "\n") { try skipPartialLine() }
            }
            if offset >= end { done = true }
        }

        mutating func skipPartialLine() throws {
            while true {
                guard try fill() else { return }
                if let nl = nextNewline() {
                    offset += Int64(nl - bufferStart + 1)
                    bufferStart = nl + 1
                    return
                }
                offset += Int64(buffer.count - bufferStart)
                bufferStart = buffer.count
            }
        }

        /// The index of the first newline at or after `bufferStart` (memchr: vectorised, where a
        /// byte loop cost a fifth of reading a CSV file).
        func nextNewline() -> Int? {
            buffer.withUnsafeBufferPointer { b -> Int? in
                guard let base = b.baseAddress, bufferStart < b.count,
                    let found = memchr(base + bufferStart, Int32(UInt8(ascii: "\n")), b.count - bufferStart)
                else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
        }

        /// Reads the next chunk into the buffer, keeping unconsumed bytes. False at end of file.
        mutating func fill() throws -> Bool {
            if bufferStart > 0 {
                buffer.removeSubrange(0..<bufferStart)
                bufferStart = 0
            }
            let chunk = 1 << 20
            let old = buffer.count
            buffer.reserveCapacity(old + chunk)
            let fileOffset = offset + Int64(old)
            var n = 0
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            buffer.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                n = pread(fd, base + old, chunk, off_t(fileOffset))
            }
            if n < 0 { throw ConnectorError("cannot read input file '\(path)': \(ConnectorError.errnoText())") }
            buffer.removeLast(chunk - n)
            return n > 0
        }

        /// Byte ranges to read after the current one (given at a restore).
        var queued: [FileSplit] = []

        public func currentSplits() -> [FileSplit]? {
            (done ? [] : [FileSplit(path: path, offset: offset, end: end)]) + queued
        }

        public mutating func restore(splits: [FileSplit]) throws {
            for split in splits where split.path != path {
                throw ConnectorError("restored file source position is for '\(split.path)' but the source reads '\(path)'")
            }
            queued = splits.filter { $0.offset < $0.end }
            done = true
        }

        /// Moves to the next queued range; false when there is none. Offsets of stored
        /// splits are always at the start of a line.
        mutating func nextSplit() -> Bool {
            guard !queued.isEmpty else { return false }
            let split = queued.removeFirst()
            offset = split.offset
            end = split.end
            buffer = []
            bufferStart = 0
            done = false
            return true
        }

        public mutating func pollNext(_ emit: (Output, Int64) throws -> Void) throws -> SourcePollResult {
            while done {
                if !nextSplit() { return .endOfInput }
            }
            var emitted = 0
            while emitted < sourceRecordsPerPoll {
                if offset >= end { done = true; return queued.isEmpty ? .endOfInput : .moreAvailable }
                if let nl = nextNewline() {
                    try emitLine(bufferStart..<nl, emit)
                    offset += Int64(nl - bufferStart + 1)
                    bufferStart = nl + 1
                    emitted += 1
                    continue
                }
                if try !fill() {
                    if bufferStart < buffer.count {
                        try emitLine(bufferStart..<buffer.count, emit)
                        offset += Int64(buffer.count - bufferStart)
                    }
                    done = true
                    return queued.isEmpty ? .endOfInput : .moreAvailable
                }
            }
            return .moreAvailable
        }

        func emitLine(_ range: Range<Int>, _ emit: (Output, Int64) throws -> Void) throws {
            var r = range
            if let last = r.last, buffer[last] == UInt8(ascii: "\r") { r = r.lowerBound..<last }
            let record: Output
            do {
                record = try buffer.withUnsafeBufferPointer { try parse(UnsafeBufferPointer(rebasing: $0[r])) }
            } catch {
                let text = buffer.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r.prefix(200)]), as: UTF8.self) }
                throw ConnectorError("cannot parse the line at byte \(offset) of '\(path)': \(error) (line: '\(text)')")
            }
            try emit(record, Int64.min)
        }

        public mutating func close() throws {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}

/// The lines of a text file as strings (`env.readTextFile`).
public typealias TextFileSource = LineFileSource<String>

extension LineFileSource where Output == String {
    public init(path: String) {
        self.init(path: path) { String(decoding: $0, as: UTF8.self) }
    }
}

/// The unread byte range `offset..<end` of a text file; `offset` is at the start of a line.
public struct FileSplit: BinaryCodable, Sendable, Equatable {
    public var path: String
    public var offset: Int64
    public var end: Int64

    public init(path: String, offset: Int64, end: Int64) {
        self.path = path
        self.offset = offset
        self.end = end
    }

    public func encode(to writer: inout BinaryWriter) {
        path.encode(to: &writer)
        writer.writeInt64(offset)
        writer.writeInt64(end)
    }

    public init(from reader: inout BinaryReader) throws {
        path = try String(from: &reader)
        offset = try reader.readInt64()
        end = try reader.readInt64()
    }
}
