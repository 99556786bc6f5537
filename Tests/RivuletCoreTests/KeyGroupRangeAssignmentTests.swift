// Tests key-group ranges, key -> key group -> subtask assignment and parallelism validation.

import XCTest
@testable import RivuletCore

final class KeyGroupRangeAssignmentTests: XCTestCase {
    func testRangeFormula() {
        XCTAssertEqual(
            KeyGroupRangeAssignment.range(maxParallelism: 128, parallelism: 3, operatorIndex: 0),
            KeyGroupRange(startKeyGroup: 0, endKeyGroup: 42))
        XCTAssertEqual(
            KeyGroupRangeAssignment.range(maxParallelism: 128, parallelism: 3, operatorIndex: 1),
            KeyGroupRange(startKeyGroup: 42, endKeyGroup: 85))
        XCTAssertEqual(
            KeyGroupRangeAssignment.range(maxParallelism: 128, parallelism: 3, operatorIndex: 2),
            KeyGroupRange(startKeyGroup: 85, endKeyGroup: 128))
        XCTAssertEqual(KeyGroupRangeAssignment.range(maxParallelism: 10, parallelism: 10, operatorIndex: 7).count, 1)
    }

    func testOperatorIndexExhaustive() {
        for maxP in 1...300 {
            for p in 1...maxP {
                var owner = [Int](repeating: -1, count: maxP)
                var covered = 0
                for i in 0..<p {
                    let r = KeyGroupRangeAssignment.range(maxParallelism: maxP, parallelism: p, operatorIndex: i)
                    if r.startKeyGroup != i * maxP / p || r.endKeyGroup != (i + 1) * maxP / p || r.isEmpty {
                        XCTFail("maxP \(maxP) p \(p) i \(i): wrong range \(r)")
                    }
                    for k in r { owner[k] = i }
                    covered += r.count
                }
                if covered != maxP { XCTFail("maxP \(maxP) p \(p): ranges cover \(covered)") }
                for k in 0..<maxP {
                    let i = KeyGroupRangeAssignment.operatorIndex(forKeyGroup: k, maxParallelism: maxP, parallelism: p)
                    if i != owner[k] { XCTFail("maxP \(maxP) p \(p) k \(k): formula \(i), owner \(owner[k])") }
                }
            }
        }
    }

    func testKeyGroupOfKeyIsMurmurOfItsBytes() {
        XCTAssertEqual(KeyGroupRangeAssignment.keyGroup(forHash: 0x248bfa47, maxParallelism: 128), 0x47)
        XCTAssertEqual(KeyGroupRangeAssignment.keyGroup(forHash: 1000, maxParallelism: 7), 1000 % 7)
        for key in [0, 1, -1, 42, Int.max, Int.min, 123_456_789] {
            let expected = Int(referenceMurmur3(bigEndianBytes(Int64(key))) % 128)
            XCTAssertEqual(KeyGroupRangeAssignment.keyGroup(for: key, maxParallelism: 128), expected, "key \(key)")
        }
        for key in ["", "hello", "grüße", "日本語", "🙂 emoji"] {
            let bytes = Array(key.utf8)
            var w = BinaryWriter()
            w.writeVarUInt(UInt64(bytes.count))
            w.writeBytes(bytes)
            let expected = Int(referenceMurmur3(w.bytes) % 300)
            XCTAssertEqual(KeyGroupRangeAssignment.keyGroup(for: key, maxParallelism: 300), expected, key)
        }
        let g = KeyGroupRangeAssignment.keyGroup(for: "user-17", maxParallelism: 128)
        XCTAssertTrue((0..<128).contains(g))
        XCTAssertTrue(
            KeyGroupRangeAssignment.range(
                maxParallelism: 128, parallelism: 4,
                operatorIndex: KeyGroupRangeAssignment.operatorIndex(for: "user-17", maxParallelism: 128, parallelism: 4)
            ).contains(g))
    }

    func testValidate() throws {
        XCTAssertNoThrow(try KeyGroupRangeAssignment.validate(parallelism: 1, maxParallelism: 1))
        XCTAssertNoThrow(try KeyGroupRangeAssignment.validate(parallelism: 4, maxParallelism: 32768))
        XCTAssertThrowsError(try KeyGroupRangeAssignment.validate(parallelism: 0, maxParallelism: 128)) { error in
            XCTAssertEqual(error as? KeyGroupError, .invalidParallelism(parallelism: 0))
            XCTAssertTrue("\(error)".contains("0"))
        }
        XCTAssertThrowsError(try KeyGroupRangeAssignment.validate(parallelism: 1, maxParallelism: 0)) { error in
            XCTAssertEqual(error as? KeyGroupError, .invalidMaxParallelism(maxParallelism: 0, upperBound: 32768))
        }
        XCTAssertThrowsError(try KeyGroupRangeAssignment.validate(parallelism: 1, maxParallelism: 32769)) { error in
            XCTAssertTrue("\(error)".contains("32769"), "\(error)")
        }
        XCTAssertThrowsError(try KeyGroupRangeAssignment.validate(parallelism: 9, maxParallelism: 8)) { error in
            XCTAssertEqual(error as? KeyGroupError, .parallelismExceedsMaxParallelism(parallelism: 9, maxParallelism: 8))
            XCTAssertTrue("\(error)".contains("9") && "\(error)".contains("8"), "\(error)")
        }
    }

    func testDefaultMaxParallelism() {
        XCTAssertEqual(KeyGroupRangeAssignment.defaultMaxParallelism, 128)
        XCTAssertEqual(KeyGroupRangeAssignment.upperBoundMaxParallelism, 32768)
        XCTAssertEqual(KeyGroupRangeAssignment.computeDefaultMaxParallelism(operatorParallelism: 1), 128)
        XCTAssertEqual(KeyGroupRangeAssignment.computeDefaultMaxParallelism(operatorParallelism: 100), 256)
        XCTAssertEqual(KeyGroupRangeAssignment.computeDefaultMaxParallelism(operatorParallelism: 30_000), 32768)
    }

    func testKeyGroupRange() throws {
        let r = KeyGroupRange(startKeyGroup: 3, endKeyGroup: 7)
        XCTAssertEqual(r.count, 4)
        XCTAssertEqual(Array(r), [3, 4, 5, 6])
        XCTAssertEqual(r.keyGroups, 3..<7)
        XCTAssertTrue(r.contains(3))
        XCTAssertTrue(r.contains(6))
        XCTAssertFalse(r.contains(7))
        XCTAssertFalse(r.contains(2))
        XCTAssertFalse(r.isEmpty)
        XCTAssertEqual(r.intersection(KeyGroupRange(startKeyGroup: 5, endKeyGroup: 20)), KeyGroupRange(startKeyGroup: 5, endKeyGroup: 7))
        XCTAssertEqual(r.intersection(KeyGroupRange(startKeyGroup: 7, endKeyGroup: 9)), .empty)
        XCTAssertTrue(KeyGroupRange.empty.isEmpty)
        XCTAssertEqual(KeyGroupRange(startKeyGroup: 5, endKeyGroup: 5), .empty)
        XCTAssertEqual(Array(KeyGroupRange.empty), [])
        XCTAssertEqual("\(r)", "KeyGroupRange{start=3, end=7}")

        var w = BinaryWriter()
        r.encode(to: &w)
        XCTAssertEqual(try KeyGroupRange(binaryEncoded: w.bytes), r)
        XCTAssertThrowsError(try KeyGroupRange(binaryEncoded: [5, 3]))
        XCTAssertThrowsError(try KeyGroupRange(binaryEncoded: [5]))

        let codable = try encodeCodable(r)
        XCTAssertEqual(try decodeCodable(KeyGroupRange.self, from: codable), r)
        struct Raw: Codable { var startKeyGroup: Int; var endKeyGroup: Int }
        XCTAssertThrowsError(try decodeCodable(KeyGroupRange.self, from: try encodeCodable(Raw(startKeyGroup: 9, endKeyGroup: 2))))
        XCTAssertThrowsError(try decodeCodable(KeyGroupRange.self, from: try encodeCodable(Raw(startKeyGroup: -1, endKeyGroup: 2))))
    }
}
