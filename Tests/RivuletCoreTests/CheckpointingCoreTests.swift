// Tests the pure checkpoint pieces: CRC32C, the `_metadata` format, shared-state reference counts and retention.

import XCTest
import RivuletCore

/// A bit-at-a-time CRC32C, the definition the table-driven one must match.
private func bitwiseCRC32C(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    }
    return ~crc
}

/// A metadata value that uses every field: keyed and non-keyed subtasks, a subtask without
/// state, shared and local files.
private func sampleMetadata(checkpointID: Int64 = 7) -> CheckpointMetadata {
    let shared = StateFileHandle(path: "shared/a1.sst", size: 4096, crc32c: 0xDEAD_BEEF)
    return CheckpointMetadata(
        jobID: "job-1", jobName: "word count", checkpointID: checkpointID, timestamp: 1_700_000_000_123, kind: .checkpoint,
        operators: [
            OperatorStateMetadata(
                uid: "source", name: "Source: numbers", parallelism: 1, maxParallelism: 128,
                subtasks: [
                    SubtaskStateHandle(
                        subtaskIndex: 0, keyGroupRange: nil,
                        stateFile: StateFileHandle(path: "chk-\(checkpointID)/source-0.state", size: 12, crc32c: 1))
                ]),
            OperatorStateMetadata(
                uid: "counts", name: "Keyed Reduce", parallelism: 2, maxParallelism: 128,
                subtasks: [
                    SubtaskStateHandle(
                        subtaskIndex: 0, keyGroupRange: KeyGroupRange(startKeyGroup: 0, endKeyGroup: 64),
                        stateFile: StateFileHandle(path: "chk-\(checkpointID)/counts-0.state", size: 300, crc32c: 2),
                        sharedFiles: [shared],
                        localFiles: [
                            "MANIFEST": StateFileHandle(path: "chk-\(checkpointID)/MANIFEST-0", size: 10, crc32c: 3),
                            "OPTIONS": StateFileHandle(path: "chk-\(checkpointID)/OPTIONS-0", size: 20, crc32c: 4),
                        ]),
                    SubtaskStateHandle(
                        subtaskIndex: 1, keyGroupRange: KeyGroupRange(startKeyGroup: 64, endKeyGroup: 128),
                        stateFile: nil, sharedFiles: [shared]),
                ]),
            OperatorStateMetadata(uid: "sink", name: "Sink: print", parallelism: 1, maxParallelism: 128, subtasks: []),
        ])
}

/// The big-endian bytes of `value`.
private func bytesOf<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// A metadata file around `payload` with a correct checksum.
private func framed(payload: [UInt8], version: UInt32 = 1) -> [UInt8] {
    var bytes = Array("RVCK".utf8) + bytesOf(version) + bytesOf(UInt64(payload.count)) + payload
    bytes += bytesOf(CRC32C.checksum(bytes))
    return bytes
}

/// The error `decode` throws for `bytes`, or nil if it succeeds.
private func decodeError(_ bytes: [UInt8]) -> CheckpointMetadataError? {
    do {
        _ = try CheckpointMetadataFormat.decode(bytes)
        return nil
    } catch {
        return error
    }
}

final class CheckpointingCoreTests: XCTestCase {
    // MARK: CRC32C

    func testCRC32CMatchesPublishedVectors() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([]), 0)
        // RFC 3720 (iSCSI), appendix B.4.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    func testCRC32CSliceBy8MatchesBitwiseDefinitionAtEveryLengthAndAlignment() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<8 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 292] where start + length <= data.count {
                let slice = Array(data[start..<(start + length)])
                let unaligned = data.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                XCTAssertEqual(unaligned, bitwiseCRC32C(slice), "start \(start) length \(length)")
                XCTAssertEqual(CRC32C.checksum(slice), bitwiseCRC32C(slice), "length \(length)")
            }
        }
    }

    func testCRC32CSeedContinuesAChecksumAcrossPieces() {
        let bytes = Array("The quick brown fox jumps over the lazy dog, 0123456789 times.".utf8)
        let whole = CRC32C.checksum(bytes)
        for split in 0...bytes.count {
            let first = CRC32C.checksum(Array(bytes[..<split]))
            let continued = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[split...]), seed: first) }
            XCTAssertEqual(continued, whole, "split at \(split)")
            XCTAssertEqual(CRC32C.checksum(Array(bytes[split...]), seed: first), whole, "split at \(split)")
        }
    }

    // MARK: Metadata format

    func testMetadataRoundTripsThroughTheFileFormat() throws {
        let metadata = sampleMetadata()
        let bytes = try CheckpointMetadataFormat.encode(metadata)
        XCTAssertEqual(Array(bytes.prefix(4)), Array("RVCK".utf8))
        XCTAssertEqual(try CheckpointMetadataFormat.decode(bytes), metadata)

        var savepoint = metadata
        savepoint.kind = .savepoint
        savepoint.operators = []
        XCTAssertEqual(try CheckpointMetadataFormat.decode(try CheckpointMetadataFormat.encode(savepoint)), savepoint)
    }

    func testAllFilesListsEveryReferencedFileOnce() {
        let paths = sampleMetadata(checkpointID: 3).allFiles.map(\.path)
        XCTAssertEqual(paths, ["chk-3/source-0.state", "chk-3/counts-0.state", "shared/a1.sst", "chk-3/MANIFEST-0", "chk-3/OPTIONS-0"])
    }

    func testTruncatedFileIsReportedAsTruncatedWhereverItIsCut() throws {
        let bytes = try CheckpointMetadataFormat.encode(sampleMetadata())
        XCTAssertEqual(decodeError([]), .truncated(expected: 20, actual: 0))
        XCTAssertEqual(decodeError(Array(bytes.prefix(3))), .truncated(expected: 20, actual: 3))
        XCTAssertEqual(decodeError(Array(bytes.prefix(8))), .truncated(expected: 20, actual: 8))
        XCTAssertEqual(decodeError(Array(bytes.prefix(15))), .truncated(expected: 20, actual: 15))
        for cut in [16, 19, 20, bytes.count / 2, bytes.count - 4, bytes.count - 1] {
            XCTAssertEqual(decodeError(Array(bytes.prefix(cut))), .truncated(expected: bytes.count, actual: cut), "cut at \(cut)")
        }
    }

    func testFlippedPayloadByteIsAChecksumMismatch() throws {
        var bytes = try CheckpointMetadataFormat.encode(sampleMetadata())
        let stored =
            UInt32(bytes[bytes.count - 4]) << 24 | UInt32(bytes[bytes.count - 3]) << 16
            | UInt32(bytes[bytes.count - 2]) << 8 | UInt32(bytes[bytes.count - 1])
        bytes[30] ^= 0x01
        let computed = CRC32C.checksum(Array(bytes.dropLast(4)))
        XCTAssertEqual(decodeError(bytes), .checksumMismatch(stored: stored, computed: computed))
        XCTAssertNotEqual(stored, computed)
    }

    func testWrongMagicIsRejected() throws {
        var bytes = try CheckpointMetadataFormat.encode(sampleMetadata())
        bytes[0] = UInt8(ascii: "X")
        XCTAssertEqual(decodeError(bytes), .badMagic)
        XCTAssertEqual(decodeError(Array("{\"json\": true}".utf8)), .badMagic)
        XCTAssertEqual(decodeError(Array("RX".utf8)), .badMagic)
    }

    func testUnknownFormatVersionIsRejected() throws {
        var bytes = try CheckpointMetadataFormat.encode(sampleMetadata())
        bytes[4..<8] = ArraySlice(bytesOf(UInt32(99)))
        XCTAssertEqual(decodeError(bytes), .unsupportedVersion(99))
    }

    func testNewerMetadataSchemaVersionIsRejected() throws {
        var metadata = sampleMetadata()
        metadata.version = CheckpointMetadata.currentVersion + 1
        let bytes = try CheckpointMetadataFormat.encode(metadata)
        XCTAssertEqual(decodeError(bytes), .unsupportedVersion(CheckpointMetadata.currentVersion + 1))
    }

    func testUndecodablePayloadWithAValidChecksumIsMalformed() throws {
        guard case .malformed = decodeError(framed(payload: [0xFF, 0xFF, 0xFF])) else {
            return XCTFail("expected .malformed for a garbage payload")
        }
        var bytes = try CheckpointMetadataFormat.encode(sampleMetadata())
        bytes.append(0)
        guard case .malformed = decodeError(bytes) else { return XCTFail("expected .malformed for trailing bytes") }
        var huge = Array("RVCK".utf8) + bytesOf(UInt32(1)) + bytesOf(UInt64.max)
        huge += [0, 0, 0, 0]
        guard case .malformed = decodeError(huge) else { return XCTFail("expected .malformed for an impossible length") }
    }

    func testErrorDescriptionsAreOneSentenceNamingTheProblem() {
        let errors: [(CheckpointMetadataError, String)] = [
            (.truncated(expected: 100, actual: 10), "truncated"),
            (.badMagic, "RVCK"),
            (.unsupportedVersion(99), "99"),
            (.checksumMismatch(stored: 0xAB, computed: 0xCD), "0x000000ab"),
            (.malformed("bad varint"), "bad varint"),
        ]
        for (error, needle) in errors {
            XCTAssertTrue(error.description.contains(needle), error.description)
            XCTAssertFalse(error.description.contains("\n"), error.description)
        }
    }

    // MARK: Shared state registry

    func testSharedFilesAreDeletedWhenTheLastCheckpointReferencingThemIsDropped() {
        var registry = SharedStateRegistry()
        registry.register(checkpointID: 1, files: ["shared/a.sst", "shared/b.sst"])
        registry.register(checkpointID: 2, files: ["shared/b.sst", "shared/c.sst"])
        XCTAssertEqual(registry.referenceCount("shared/a.sst"), 1)
        XCTAssertEqual(registry.referenceCount("shared/b.sst"), 2)
        XCTAssertEqual(registry.referenceCount("shared/zzz.sst"), 0)
        XCTAssertEqual(registry.files, ["shared/a.sst", "shared/b.sst", "shared/c.sst"])

        XCTAssertEqual(registry.unregister(checkpointID: 1), ["shared/a.sst"])
        XCTAssertFalse(registry.isRegistered("shared/a.sst"))
        XCTAssertEqual(registry.referenceCount("shared/b.sst"), 1)

        XCTAssertEqual(registry.unregister(checkpointID: 2), ["shared/b.sst", "shared/c.sst"])
        XCTAssertTrue(registry.files.isEmpty)
        XCTAssertEqual(registry.unregister(checkpointID: 2), [], "an unknown checkpoint releases nothing")
    }

    func testRegisteringACheckpointTwiceDoesNotDoubleCount() {
        var registry = SharedStateRegistry()
        registry.register(checkpointID: 5, files: ["shared/x.sst", "shared/x.sst"])
        registry.register(checkpointID: 5, files: ["shared/x.sst"])
        XCTAssertEqual(registry.referenceCount("shared/x.sst"), 1)
        registry.register(checkpointID: 5, files: ["shared/y.sst"])
        XCTAssertEqual(registry.referenceCount("shared/y.sst"), 1)
        XCTAssertEqual(registry.unregister(checkpointID: 5), ["shared/x.sst", "shared/y.sst"])
        XCTAssertEqual(registry.referenceCount("shared/x.sst"), 0)
    }

    // MARK: Retention

    func testRetentionKeepsTheNewestAndReturnsSubsumedOldestFirst() {
        var retention = CompletedCheckpointRetention(numRetained: 3)
        XCTAssertNil(retention.latest)
        XCTAssertEqual(retention.add(1), [])
        XCTAssertEqual(retention.add(2), [])
        XCTAssertEqual(retention.add(3), [])
        XCTAssertEqual(retention.add(4), [1])
        XCTAssertEqual(retention.retained, [2, 3, 4])
        XCTAssertEqual(retention.latest, 4)
        XCTAssertEqual(retention.add(4), [], "adding a retained id again changes nothing")
        XCTAssertEqual(retention.add(1), [1], "an id older than a full retention is subsumed on arrival")
        XCTAssertEqual(retention.retained, [2, 3, 4])
    }

    func testRetentionBelowOneIsClampedToOne() {
        var retention = CompletedCheckpointRetention(numRetained: 0)
        XCTAssertEqual(retention.numRetained, 1)
        XCTAssertEqual(retention.add(10), [])
        XCTAssertEqual(retention.add(11), [10])
        XCTAssertEqual(retention.retained, [11])
        var shrunk = CompletedCheckpointRetention(numRetained: 2)
        _ = shrunk.add(1)
        _ = shrunk.add(2)
        XCTAssertEqual(shrunk.add(5), [1])
        XCTAssertEqual(shrunk.latest, 5)
    }
}
