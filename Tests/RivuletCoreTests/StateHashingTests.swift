// The in-memory state hash: depends on every byte and the length, not on where the bytes are.

import XCTest
import RivuletCore

final class StateHashingTests: XCTestCase {
    func testEveryByteAndTheLengthChangeTheHashAtEveryLength() {
        var x: UInt64 = 8
        for n in 0...40 {
            let bytes = (0..<n).map { _ -> UInt8 in
                x = x &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: x >> 33)
            }
            let h = bytes.withUnsafeBytes { StateHashing.hash($0) }
            // The same bytes at another address (unaligned) hash the same.
            let shifted = [0xEE] + bytes
            XCTAssertEqual(shifted.withUnsafeBytes { StateHashing.hash(UnsafeRawBufferPointer(rebasing: $0[1...])) }, h, "length \(n)")
            for i in 0..<n {
                var changed = bytes
                changed[i] ^= 0x01
                XCTAssertNotEqual(changed.withUnsafeBytes { StateHashing.hash($0) }, h, "length \(n), byte \(i)")
            }
            XCTAssertNotEqual((bytes + [0]).withUnsafeBytes { StateHashing.hash($0) }, h, "a trailing zero byte, length \(n)")
        }
    }

    func testStringsHashTheirUTF8AndEqualStringsHashEqual() {
        let short = "word42", long = String(repeating: "long words ", count: 5)
        XCTAssertEqual(short.stateHash(), Array(short.utf8).withUnsafeBytes { StateHashing.hash($0) })
        XCTAssertEqual(long.stateHash(), Array(long.utf8).withUnsafeBytes { StateHashing.hash($0) })
        XCTAssertEqual(String(long.prefix(6)).stateHash(), "long w".stateHash())
        XCTAssertEqual(7.stateHash(), UInt64(7.keyHash()), "other keys use their key hash")
        var seen = Set<UInt64>()
        for i in 0..<20_000 { seen.insert("w\(i)".stateHash()) }
        XCTAssertEqual(seen.count, 20_000, "no collisions among 20k short words")
    }
}
