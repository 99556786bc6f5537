// The `_metadata` of a checkpoint or savepoint: which files hold which operator's state.

/// Whether a snapshot is a periodic checkpoint or a user-triggered savepoint.
public enum CheckpointKind: String, Codable, Sendable {
    /// Taken by the checkpoint coordinator for failover; may reference shared files.
    case checkpoint
    /// Triggered by the user; self-contained, with paths relative to its own directory.
    case savepoint
}

/// One file of a snapshot, with what is needed to detect that it is missing, cut short or corrupt.
public struct StateFileHandle: Codable, Sendable, Hashable {
    /// For checkpoints, relative to the checkpoint storage's job directory (e.g.
    /// `chk-3/op-uid-0.state` or `shared/abc.sst`); for savepoints, relative to the savepoint
    /// directory.
    public var path: String
    /// The file's length in bytes.
    public var size: Int64
    /// CRC32C of the file's bytes.
    public var crc32c: UInt32

    /// A handle to the file at `path` of `size` bytes with checksum `crc32c`.
    public init(path: String, size: Int64, crc32c: UInt32) {
        self.path = path
        self.size = size
        self.crc32c = crc32c
    }
}

/// What one subtask of an operator stored for a snapshot.
public struct SubtaskStateHandle: Codable, Sendable, Equatable {
    /// The subtask's index within the operator's parallelism at snapshot time.
    public var subtaskIndex: Int
    /// The key groups the subtask owned; nil for a non-keyed operator.
    public var keyGroupRange: KeyGroupRange?
    /// The operator's serialized snapshot (keyed state in canonical form plus operator state);
    /// nil when the subtask had no state.
    public var stateFile: StateFileHandle?
    /// Incremental RocksDB SST files under `shared/`; may be empty.
    public var sharedFiles: [StateFileHandle]
    /// Extra private files by logical name (e.g. the RocksDB MANIFEST and OPTIONS of an
    /// incremental checkpoint); may be empty.
    public var localFiles: [String: StateFileHandle]

    /// The state of subtask `subtaskIndex`.
    public init(
        subtaskIndex: Int, keyGroupRange: KeyGroupRange?, stateFile: StateFileHandle?,
        sharedFiles: [StateFileHandle] = [], localFiles: [String: StateFileHandle] = [:]
    ) {
        self.subtaskIndex = subtaskIndex
        self.keyGroupRange = keyGroupRange
        self.stateFile = stateFile
        self.sharedFiles = sharedFiles
        self.localFiles = localFiles
    }

    /// Every file of this subtask: the state file, the shared files, then the local files by name.
    public var allFiles: [StateFileHandle] {
        var files: [StateFileHandle] = []
        if let stateFile { files.append(stateFile) }
        files.append(contentsOf: sharedFiles)
        for name in localFiles.keys.sorted() {
            if let file = localFiles[name] { files.append(file) }
        }
        return files
    }
}

/// The state of one operator (identified by its stable uid) across its subtasks.
public struct OperatorStateMetadata: Codable, Sendable, Equatable {
    /// The operator's stable uid, which matches state to operators on restore.
    public var uid: String
    /// The operator's display name, for messages.
    public var name: String
    /// The operator's parallelism when the snapshot was taken.
    public var parallelism: Int
    /// The operator's max parallelism (number of key groups), which a restore must keep.
    public var maxParallelism: Int
    /// One entry per subtask that acknowledged the snapshot.
    public var subtasks: [SubtaskStateHandle]

    /// The state of operator `uid`.
    public init(uid: String, name: String, parallelism: Int, maxParallelism: Int, subtasks: [SubtaskStateHandle]) {
        self.uid = uid
        self.name = name
        self.parallelism = parallelism
        self.maxParallelism = maxParallelism
        self.subtasks = subtasks
    }
}

/// The content of a checkpoint's or savepoint's `_metadata` file. Stored with
/// `CheckpointMetadataFormat`, which adds a magic, a format version and a CRC32C.
public struct CheckpointMetadata: Codable, Sendable, Equatable {
    /// The metadata schema version this build writes.
    public static let currentVersion = 1

    /// The metadata schema version (1 ... `currentVersion`).
    public var version: Int
    /// The id of the job that took the snapshot.
    public var jobID: String
    /// The name of the job that took the snapshot.
    public var jobName: String
    /// The checkpoint id (savepoints take an id from the same counter).
    public var checkpointID: Int64
    /// When the checkpoint was triggered, in milliseconds since the epoch.
    public var timestamp: Int64
    /// Checkpoint or savepoint.
    public var kind: CheckpointKind
    /// The state of every operator of the job, stateful or not.
    public var operators: [OperatorStateMetadata]

    /// Metadata of snapshot `checkpointID` of job `jobID`.
    public init(
        version: Int = CheckpointMetadata.currentVersion, jobID: String, jobName: String, checkpointID: Int64,
        timestamp: Int64, kind: CheckpointKind, operators: [OperatorStateMetadata]
    ) {
        self.version = version
        self.jobID = jobID
        self.jobName = jobName
        self.checkpointID = checkpointID
        self.timestamp = timestamp
        self.kind = kind
        self.operators = operators
    }

    /// Every file the snapshot references, each once, in operator and subtask order.
    public var allFiles: [StateFileHandle] {
        var seen: Set<StateFileHandle> = []
        var files: [StateFileHandle] = []
        for op in operators {
            for subtask in op.subtasks {
                for file in subtask.allFiles where seen.insert(file).inserted { files.append(file) }
            }
        }
        return files
    }
}

/// The byte layout of a `_metadata` file:
///
/// | bytes | content |
/// |---|---|
/// | 4 | magic `RVCK` |
/// | 4 | format version, big-endian (`formatVersion`) |
/// | 8 | payload length, big-endian |
/// | n | payload: `CheckpointMetadata` in Rivulet's derived binary Codable encoding |
/// | 4 | CRC32C of every byte before it, big-endian |
public enum CheckpointMetadataFormat {
    /// The first four bytes of every metadata file.
    public static let magic: [UInt8] = Array("RVCK".utf8)
    /// The file format version this build writes and reads.
    public static let formatVersion: UInt32 = 1
    /// Magic, version and payload length.
    static let headerSize = 16
    /// The trailing checksum.
    static let trailerSize = 4

    /// The file bytes for `metadata`. Throws only if the metadata cannot be encoded.
    public static func encode(_ metadata: CheckpointMetadata) throws -> [UInt8] {
        let payload = try encodeCodable(metadata)
        var writer = BinaryWriter(capacity: headerSize + payload.count + trailerSize)
        writer.writeBytes(magic)
        writer.writeUInt32(formatVersion)
        writer.writeUInt64(UInt64(payload.count))
        writer.writeBytes(payload)
        writer.writeUInt32(CRC32C.checksum(writer.bytes))
        return writer.bytes
    }

    /// Reads a metadata file, checking in order: magic, format version, length, checksum,
    /// then the payload and its schema version.
    public static func decode(_ bytes: [UInt8]) throws(CheckpointMetadataError) -> CheckpointMetadata {
        // A file too short to hold the magic is "truncated" if what is there could be the start
        // of it, and not a metadata file otherwise.
        let magicPrefix = min(bytes.count, magic.count)
        guard bytes[0..<magicPrefix].elementsEqual(magic[0..<magicPrefix]) else { throw .badMagic }
        let minimum = headerSize + trailerSize
        if bytes.count >= 8 {
            let version = bigEndianUInt32(bytes, at: 4)
            guard version == formatVersion else { throw .unsupportedVersion(Int(version)) }
        }
        guard bytes.count >= headerSize else { throw .truncated(expected: minimum, actual: bytes.count) }
        let declared = bigEndianUInt64(bytes, at: 8)
        guard declared <= UInt64(Int.max - minimum) else {
            throw .malformed("the header declares an impossible payload length of \(declared) bytes")
        }
        let payloadLength = Int(declared)
        let expected = minimum + payloadLength
        guard bytes.count >= expected else { throw .truncated(expected: expected, actual: bytes.count) }
        guard bytes.count == expected else {
            throw .malformed("\(bytes.count - expected) unexpected byte(s) follow the checksum")
        }
        let checksumOffset = headerSize + payloadLength
        let stored = bigEndianUInt32(bytes, at: checksumOffset)
        let computed = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<checksumOffset])) }
        guard stored == computed else { throw .checksumMismatch(stored: stored, computed: computed) }
        var reader = BinaryReader(bytes[headerSize..<checksumOffset])
        let metadata: CheckpointMetadata
        do {
            metadata = try decodeCodable(CheckpointMetadata.self, from: &reader)
            try reader.expectEnd("checkpoint metadata")
        } catch {
            throw .malformed("\(error)")
        }
        guard (1...CheckpointMetadata.currentVersion).contains(metadata.version) else {
            throw .unsupportedVersion(metadata.version)
        }
        return metadata
    }

    /// The big-endian `UInt32` at `offset` (the caller checked the bounds).
    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for b in bytes[offset..<(offset + 4)] { value = value << 8 | UInt32(b) }
        return value
    }

    /// The big-endian `UInt64` at `offset` (the caller checked the bounds).
    private static func bigEndianUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for b in bytes[offset..<(offset + 8)] { value = value << 8 | UInt64(b) }
        return value
    }
}

/// Why a `_metadata` file could not be read. The description is one sentence; callers prefix
/// the file's path.
public enum CheckpointMetadataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is shorter than its header says (or than a header): `expected` bytes, `actual` found.
    case truncated(expected: Int, actual: Int)
    /// The file does not start with `RVCK`.
    case badMagic
    /// The file format version or the metadata schema version is not one this build reads.
    case unsupportedVersion(Int)
    /// The CRC32C in the file does not match its content.
    case checksumMismatch(stored: UInt32, computed: UInt32)
    /// The checksum matches but the content does not decode (or trailing bytes follow it).
    case malformed(String)

    /// One sentence naming the problem.
    public var description: String {
        switch self {
        case .truncated(let expected, let actual):
            return "the metadata file is truncated: it has \(actual) byte(s) but needs \(expected)"
        case .badMagic:
            return "not a Rivulet checkpoint metadata file: it does not start with the magic bytes \"RVCK\""
        case .unsupportedVersion(let version):
            return
                "the metadata has version \(version), which this build of Rivulet cannot read (it reads versions up to \(CheckpointMetadata.currentVersion))"
        case .checksumMismatch(let stored, let computed):
            return "the metadata file is corrupt: its stored CRC32C \(hex(stored)) does not match the computed \(hex(computed))"
        case .malformed(let reason):
            return "the metadata cannot be decoded: \(reason)"
        }
    }

    /// `0x` and eight hex digits.
    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
