// A source of the lines of the files of a directory, watched for files that appear later
// (Flink's filesystem source with `source.monitor-interval`).

import Foundation
import RivuletCore

/// Emits each line of every file in `directory`, and of every file that appears there later,
/// parsed by `parse`; it looks for new files every `intervalMillis` and never ends. Files are
/// spread over subtasks by a stable hash of their name into `bucketCount` buckets, and a
/// subtask reads the buckets whose splits it holds, so after a restore at another parallelism
/// every bucket still has exactly one reader. A bucket's split holds the files read to the end
/// and the unread range of the file being read: a restore reads neither a line twice nor a
/// file twice. A file must appear complete (written elsewhere and renamed into the
/// directory); it is read up to the size it has when its reading starts.
public struct MonitoredFileSource<Output: Sendable>: Source {
    public let directory: String
    public let intervalMillis: Int64
    public let parse: LineParser<Output>
    public static var bucketCount: Int { 128 }

    public init(directory: String, intervalMillis: Int64, parse: @escaping LineParser<Output>) {
        self.directory = directory
        self.intervalMillis = max(1, intervalMillis)
        self.parse = parse
    }

    /// The bucket of a file name (FNV-1a of its bytes: the same in every process).
    public static func bucket(of name: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(hash % UInt64(bucketCount))
    }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        var buckets: [Int: DirectoryBucket] = [:]
        for b in 0..<Self.bucketCount where b % parallelism == subtaskIndex { buckets[b] = DirectoryBucket(bucket: b) }
        return Reader(source: self, buckets: buckets)
    }

    public struct Reader: SourceReader {
        let source: MonitoredFileSource
        /// The buckets this subtask reads, by number.
        var buckets: [Int: DirectoryBucket]
        /// The file being read, and its bucket.
        var file: (reader: LineFileSource<Output>.Reader, bucket: Int, path: String)?
        /// Files to read next: found by a scan, or restored mid-file.
        var queue: [(bucket: Int, path: String, from: FileSplit?)] = []
        var nextScan: Int64 = 0
        var context: OperatorContext?

        public mutating func open(_ context: OperatorContext) throws { self.context = context }

        public mutating func close() throws {
            if var f = file?.reader { try f.close() }
            file = nil
        }

        public func currentSplits() -> [DirectoryBucket]? {
            var out = buckets
            if let file {
                if let unread = file.reader.currentSplits()?.first {
                    out[file.bucket]?.current = unread
                } else {
                    out[file.bucket]?.done.insert(file.path)
                }
            }
            for queued in queue {
                if let from = queued.from { out[queued.bucket]?.current = from }
            }
            return out.keys.sorted().compactMap { out[$0] }
        }

        public mutating func restore(splits: [DirectoryBucket]) throws {
            try close()
            buckets = [:]
            queue = []
            for split in splits {
                buckets[split.bucket] = DirectoryBucket(bucket: split.bucket, done: split.done)
                if let current = split.current { queue.append((split.bucket, current.path, current)) }
            }
            nextScan = 0
        }

        /// Queues the files of the directory that this subtask reads and has not read.
        mutating func scan() throws {
            let names: [String]
            do {
                names = try DirectoryFiles.visibleNames(in: source.directory)
            } catch {
                throw ConnectorError("cannot list the monitored directory '\(source.directory)': \(error)")
            }
            for name in names {
                let path = source.directory + "/" + name
                let b = MonitoredFileSource.bucket(of: name)
                guard let bucket = buckets[b], !bucket.done.contains(path), file?.path != path, !queue.contains(where: { $0.path == path }) else {
                    continue
                }
                if DirectoryFiles.isFile(path) { queue.append((b, path, nil)) }
            }
        }

        public mutating func pollNext(_ emit: (Output, Int64) throws -> Void) throws -> SourcePollResult {
            while true {
                if var current = file {
                    // Taken out while it reads, so its buffer is not copied on write.
                    file = nil
                    let result: SourcePollResult
                    do {
                        result = try current.reader.pollNext(emit)
                    } catch {
                        file = current
                        throw error
                    }
                    guard result == .endOfInput else {
                        file = current
                        return result
                    }
                    try current.reader.close()
                    buckets[current.bucket]?.done.insert(current.path)
                    return .moreAvailable
                }
                if !queue.isEmpty {
                    let next = queue.removeFirst()
                    var reader = try LineFileSource(path: next.path, parse: source.parse).createReader(subtaskIndex: 0, parallelism: 1)
                    guard let context else { throw ConnectorError("the monitored file source was not opened") }
                    try reader.open(context)
                    if let from = next.from { try reader.restore(splits: [from]) }
                    file = (reader, next.bucket, next.path)
                    continue
                }
                let now = SystemClock.nowMillis()
                guard now >= nextScan else { return .nothingAvailable(retryAt: nextScan) }
                nextScan = now + source.intervalMillis
                try scan()
                if queue.isEmpty { return .nothingAvailable(retryAt: nextScan) }
            }
        }
    }
}

/// One bucket of a monitored directory's files: the files read to the end and the unread
/// range of the file being read.
public struct DirectoryBucket: BinaryCodable, Sendable, Equatable {
    public var bucket: Int
    public var done: Set<String> = []
    public var current: FileSplit?

    public init(bucket: Int, done: Set<String> = [], current: FileSplit? = nil) {
        self.bucket = bucket
        self.done = done
        self.current = current
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeInt64(Int64(bucket))
        done.sorted().encode(to: &writer)
        current.encode(to: &writer)
    }

    public init(from reader: inout BinaryReader) throws {
        bucket = Int(try reader.readInt64())
        done = Set(try [String](from: &reader))
        current = try FileSplit?(from: &reader)
    }
}
