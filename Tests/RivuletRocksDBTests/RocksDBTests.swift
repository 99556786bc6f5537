// The RocksDB client against the real library: column families, ordering, range deletes,
// batches, persistence and native checkpoints (hard-linked SST files).

import XCTest
import Foundation
@testable import RivuletRocksDB

final class RocksDBTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "rivulet-rocksdb-" + UUID().uuidString
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testPutGetDeleteInColumnFamilies() throws {
        let db = try RocksDB(path: directory + "/db")
        let counts = try db.columnFamily("counts")
        let names = try db.columnFamily("names")
        try db.put(counts, bytes("a"), bytes("1"))
        try db.put(names, bytes("a"), bytes("ann"))
        XCTAssertEqual(try db.get(counts, bytes("a")), bytes("1"))
        XCTAssertEqual(try db.get(names, bytes("a")), bytes("ann"))
        XCTAssertNil(try db.get(counts, bytes("b")))
        try db.delete(counts, bytes("a"))
        XCTAssertNil(try db.get(counts, bytes("a")))
        XCTAssertEqual(try db.get(names, bytes("a")), bytes("ann"))
        XCTAssertEqual(db.columnFamilyNames, ["counts", "default", "names"])
        try db.dropColumnFamily("names")
        XCTAssertEqual(db.columnFamilyNames, ["counts", "default"])
    }

    func testIterationIsBytewiseAndRangeDeleteRemovesAKeyGroupRange() throws {
        let db = try RocksDB(path: directory + "/db")
        let state = try db.columnFamily("state")
        // Key = key group (2 bytes, big-endian) ‖ user key: a key-group range is a key range.
        for group in [3, 1, 2, 0] as [UInt16] {
            for k in ["x", "y"] {
                try db.put(state, [UInt8(group >> 8), UInt8(group & 0xFF)] + bytes(k), bytes("\(group)\(k)"))
            }
        }
        try db.deleteRange(state, from: [0, 1], to: [0, 3])  // key groups 1 and 2
        let it = db.iterator(state)
        var seen: [String] = []
        it.seekToFirst()
        while it.isValid {
            seen.append(String(decoding: it.value, as: UTF8.self))
            it.next()
        }
        try it.checkStatus()
        XCTAssertEqual(seen, ["0x", "0y", "3x", "3y"])
        it.seek([0, 3])
        XCTAssertTrue(it.isValid)
        XCTAssertEqual(it.key, [0, 3] + bytes("x"))
    }

    func testBatchesApplyTogetherAndDataSurvivesReopen() throws {
        let path = directory + "/db"
        do {
            let db = try RocksDB(path: path)
            let cf = try db.columnFamily("cf")
            let batch = RocksDBWriteBatch()
            for i in 0..<100 { batch.put(cf, bytes("k\(i)"), bytes("v\(i)")) }
            batch.delete(cf, bytes("k7"))
            XCTAssertEqual(batch.count, 101)
            try db.write(batch)
            db.close()
        }
        let reopened = try RocksDB(path: path)
        XCTAssertEqual(reopened.columnFamilyNames, ["cf", "default"])
        let cf = try reopened.columnFamily("cf")
        XCTAssertEqual(try reopened.get(cf, bytes("k42")), bytes("v42"))
        XCTAssertNil(try reopened.get(cf, bytes("k7")))
    }

    func testCheckpointIsAConsistentCopyWithHardLinkedSSTFiles() throws {
        let db = try RocksDB(path: directory + "/db")
        let cf = try db.columnFamily("cf")
        for i in 0..<1000 { try db.put(cf, bytes("key-\(i)"), bytes(String(repeating: "v", count: 100))) }
        let checkpoint = directory + "/chk-1"
        try db.createCheckpoint(at: checkpoint)
        try db.put(cf, bytes("key-after"), bytes("later"))
        let files = try FileManager.default.contentsOfDirectory(atPath: checkpoint)
        let ssts = files.filter { $0.hasSuffix(".sst") }
        XCTAssertFalse(ssts.isEmpty, "a flushed checkpoint holds SST files: \(files)")
        for sst in ssts {
            var st = stat()
            XCTAssertEqual(stat(checkpoint + "/" + sst, &st), 0)
            XCTAssertGreaterThanOrEqual(st.st_nlink, 2, "\(sst) should be a hard link to the live database's file")
        }
        let copy = try RocksDB(path: checkpoint)
        let copyCF = try copy.columnFamily("cf")
        XCTAssertEqual(try copy.get(copyCF, bytes("key-999"))?.count, 100)
        XCTAssertNil(try copy.get(copyCF, bytes("key-after")), "writes after the checkpoint are not in it")
    }

    func testBadPathsGiveErrorsNamingThePath() throws {
        let file = directory + "-file"
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: file) }
        XCTAssertThrowsError(try RocksDB(path: file)) { XCTAssertTrue("\($0)".contains(file), "\($0)") }
        var options = RocksDBOptions()
        options.createIfMissing = false
        XCTAssertThrowsError(try RocksDB(path: directory + "/missing", options: options)) {
            XCTAssertTrue("\($0)".contains("/missing"), "\($0)")
        }
        let db = try RocksDB(path: directory + "/db")
        let cf = try db.columnFamily("cf")
        try db.put(cf, bytes("k"), bytes("v"))
        XCTAssertThrowsError(try db.createCheckpoint(at: directory + "/db")) {
            XCTAssertTrue("\($0)".contains("checkpoint"), "\($0)")
        }
        db.close()
        try RocksDB.destroy(path: directory + "/db")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/db"))
    }
}
