// The keyed state of an incremental RocksDB checkpoint: files of a native RocksDB checkpoint.

/// A RocksDB checkpoint of one operator subtask: the database's files (SST files shared
/// between checkpoints, the rest private to this one), what each column family holds, and
/// the states kept outside RocksDB (timers, trigger state) in canonical form.
public struct IncrementalKeyedState: Sendable, Equatable {
    public var maxParallelism: Int
    public var keyGroupRange: KeyGroupRange
    /// Column family name -> state signature.
    public var columnFamilies: [String: String]
    /// File name in the RocksDB directory -> where it was uploaded.
    public var files: [String: StateFileHandle]
    /// States not kept in RocksDB.
    public var heap: KeyedStateSnapshot

    public init(
        maxParallelism: Int, keyGroupRange: KeyGroupRange, columnFamilies: [String: String],
        files: [String: StateFileHandle], heap: KeyedStateSnapshot
    ) {
        self.maxParallelism = maxParallelism
        self.keyGroupRange = keyGroupRange
        self.columnFamilies = columnFamilies
        self.files = files
        self.heap = heap
    }

    /// The uploaded SST files shared with other checkpoints.
    public var sharedFiles: [StateFileHandle] { files.values.filter { $0.path.hasPrefix("shared/") }.sorted { $0.path < $1.path } }
}

extension IncrementalKeyedState: BinaryCodable {
    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarUInt(UInt64(maxParallelism))
        keyGroupRange.encode(to: &writer)
        writer.writeVarUInt(UInt64(columnFamilies.count))
        for name in columnFamilies.keys.sorted() {
            name.encode(to: &writer)
            (columnFamilies[name] ?? "").encode(to: &writer)
        }
        writer.writeVarUInt(UInt64(files.count))
        for name in files.keys.sorted() {
            guard let file = files[name] else { continue }
            name.encode(to: &writer)
            file.path.encode(to: &writer)
            writer.writeInt64(file.size)
            writer.writeUInt32(file.crc32c)
        }
        heap.encode(to: &writer)
    }

    public init(from reader: inout BinaryReader) throws {
        maxParallelism = try reader.readCount("max parallelism")
        keyGroupRange = try KeyGroupRange(from: &reader)
        columnFamilies = [:]
        for _ in 0..<(try reader.readCount("column families")) {
            let name = try String(from: &reader)
            columnFamilies[name] = try String(from: &reader)
        }
        files = [:]
        for _ in 0..<(try reader.readCount("files")) {
            let name = try String(from: &reader)
            let path = try String(from: &reader)
            files[name] = StateFileHandle(path: path, size: try reader.readInt64(), crc32c: try reader.readUInt32())
        }
        heap = try KeyedStateSnapshot(from: &reader)
    }
}
