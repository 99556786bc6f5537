// Tests the binary writer/reader and every standard BinaryCodable conformance, including malformed input.

import XCTest
@testable import RivuletCore

/// Encodes, checks the default-path hash equals `keyHash()`, decodes and returns the value.
func roundTrip<T: BinaryCodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws -> T {
    var w = BinaryWriter()
    value.encode(to: &w)
    XCTAssertEqual(value.keyHash(), referenceMurmur3(w.bytes), "keyHash of \(value)", file: file, line: line)
    var r = BinaryReader(w.bytes)
    let decoded = try T(from: &r)
    XCTAssertTrue(r.isAtEnd, "bytes left after \(value)", file: file, line: line)
    return decoded
}

/// Asserts every proper prefix of `value`'s encoding throws instead of crashing.
func assertPrefixesThrow<T: BinaryCodable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) {
    let bytes = value.binaryEncoded()
    for n in 0..<bytes.count {
        XCTAssertThrowsError(try T(binaryEncoded: Array(bytes[0..<n])), "prefix \(n) of \(value)", file: file, line: line)
    }
}

final class BinaryCodableTests: XCTestCase {
    func testExactWireFormat() {
        XCTAssertEqual(1.binaryEncoded(), [0, 0, 0, 0, 0, 0, 0, 1])
        XCTAssertEqual((-2).binaryEncoded(), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])
        XCTAssertEqual(UInt16(0x1234).binaryEncoded(), [0x12, 0x34])
        XCTAssertEqual(Int32(-1).binaryEncoded(), [0xff, 0xff, 0xff, 0xff])
        XCTAssertEqual(true.binaryEncoded(), [1])
        XCTAssertEqual(1.0.binaryEncoded(), [0x3f, 0xf0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Float(1).binaryEncoded(), [0x3f, 0x80, 0, 0])
        XCTAssertEqual("é".binaryEncoded(), [2, 0xC3, 0xA9])
        XCTAssertEqual(Int?.none.binaryEncoded(), [0])
        XCTAssertEqual(Optional(Int8(5)).binaryEncoded(), [1, 5])
        XCTAssertEqual([UInt16(1), 2].binaryEncoded(), [2, 0, 1, 0, 2])
        XCTAssertEqual(VoidNamespace().binaryEncoded(), [])
        var w = BinaryWriter()
        w.writeVarUInt(300)
        XCTAssertEqual(w.bytes, [0xAC, 0x02])
        w.reset()
        w.writeVarUInt(UInt64.max)
        XCTAssertEqual(w.bytes, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])
    }

    func testIntegerRoundTripsAndHashes() throws {
        for v in [0, 1, -1, 127, 128, 255, 256, -129, Int.max, Int.min, 1_000_000_007] {
            XCTAssertEqual(try roundTrip(v), v)
            XCTAssertEqual(try roundTrip(Int64(v)), Int64(v))
            XCTAssertEqual(try roundTrip(UInt(bitPattern: v)), UInt(bitPattern: v))
            XCTAssertEqual(try roundTrip(UInt64(bitPattern: Int64(v))), UInt64(bitPattern: Int64(v)))
            XCTAssertEqual(try roundTrip(Int32(truncatingIfNeeded: v)), Int32(truncatingIfNeeded: v))
            XCTAssertEqual(try roundTrip(UInt32(truncatingIfNeeded: v)), UInt32(truncatingIfNeeded: v))
            XCTAssertEqual(try roundTrip(Int16(truncatingIfNeeded: v)), Int16(truncatingIfNeeded: v))
            XCTAssertEqual(try roundTrip(UInt16(truncatingIfNeeded: v)), UInt16(truncatingIfNeeded: v))
            XCTAssertEqual(try roundTrip(Int8(truncatingIfNeeded: v)), Int8(truncatingIfNeeded: v))
            XCTAssertEqual(try roundTrip(UInt8(truncatingIfNeeded: v)), UInt8(truncatingIfNeeded: v))
        }
        for _ in 0..<1000 {
            let v = Int.random(in: Int.min...Int.max)
            XCTAssertEqual(v.keyHash(), referenceMurmur3(v.binaryEncoded()))
            XCTAssertEqual(Int32(truncatingIfNeeded: v).keyHash(), referenceMurmur3(Int32(truncatingIfNeeded: v).binaryEncoded()))
            XCTAssertEqual(Int16(truncatingIfNeeded: v).keyHash(), referenceMurmur3(Int16(truncatingIfNeeded: v).binaryEncoded()))
            XCTAssertEqual(UInt8(truncatingIfNeeded: v).keyHash(), referenceMurmur3(UInt8(truncatingIfNeeded: v).binaryEncoded()))
        }
    }

    func testFloatingPointBoolVoid() throws {
        for d in [0.0, -0.0, 1.5, -3.25e300, Double.infinity, -Double.infinity, Double.leastNonzeroMagnitude, Double.pi] {
            XCTAssertEqual(try roundTrip(d).bitPattern, d.bitPattern)
            XCTAssertEqual(try roundTrip(Float(d)).bitPattern, Float(d).bitPattern)
        }
        XCTAssertTrue(try roundTrip(Double.nan).isNaN)
        XCTAssertEqual(try roundTrip(true), true)
        XCTAssertEqual(try roundTrip(false), false)
        XCTAssertEqual(try roundTrip(VoidNamespace()), VoidNamespace())
        XCTAssertEqual(VoidNamespace().keyHash(), 0)
    }

    func testStringsRoundTripAndHash() throws {
        let strings = [
            "", "a", "hello", "grüße", "日本語のテキスト", "🙂🙃 mixed ASCII and emoji", String(repeating: "x", count: 127),
            String(repeating: "y", count: 128), String(repeating: "é", count: 5000), "nul\u{0}inside",
        ]
        for s in strings {
            XCTAssertEqual(try roundTrip(s), s)
            XCTAssertEqual(s.keyHash(), referenceMurmur3(s.binaryEncoded()), s)
        }
        // A bridged/substring-derived string also hashes like its bytes.
        let sub = String("prefix-suffix".dropFirst(7))
        XCTAssertEqual(sub.keyHash(), "suffix".keyHash())
    }

    func testCollectionsRoundTrip() throws {
        XCTAssertEqual(try roundTrip([Int]()), [])
        XCTAssertEqual(try roundTrip([1, 2, 3]), [1, 2, 3])
        XCTAssertEqual(try roundTrip(["a", "", "ü"]), ["a", "", "ü"])
        XCTAssertEqual(try roundTrip([[1], [], [2, 3]]), [[1], [], [2, 3]])
        XCTAssertEqual(try roundTrip([Int?.none, 5]), [nil, 5])
        XCTAssertEqual(try roundTrip(Optional(Optional(7))), Optional(Optional(7)))
        XCTAssertEqual(try roundTrip(Optional<Optional<Int>>.some(nil)), Optional<Optional<Int>>.some(nil))
        XCTAssertEqual(try roundTrip(Set([1, 5, 9, -3])), Set([1, 5, 9, -3]))
        XCTAssertEqual(try roundTrip(["a": 1, "b": 2, "ccc": 3]), ["a": 1, "b": 2, "ccc": 3])
        XCTAssertEqual(try roundTrip([1: [true], 2: []]), [1: [true], 2: []])
        XCTAssertEqual(try roundTrip(ContiguousArray([1.5, 2.5])), ContiguousArray([1.5, 2.5]))
        XCTAssertEqual(try roundTrip([VoidNamespace(), VoidNamespace()]).count, 2)
    }

    func testByteArrayFastPathHasGenericFormat() throws {
        let bytes: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var manual = BinaryWriter()
        manual.writeVarUInt(300)
        for b in bytes { b.encode(to: &manual) }
        XCTAssertEqual(bytes.binaryEncoded(), manual.bytes)
        XCTAssertEqual(try roundTrip(bytes), bytes)
        XCTAssertEqual(try [UInt8](binaryEncoded: manual.bytes), bytes)
    }

    func testUnorderedCollectionsEncodeCanonically() {
        var a = Set<String>(), b = Set<String>(minimumCapacity: 64)
        let words = (0..<50).map { "w\($0)" }
        for w in words { a.insert(w) }
        for w in words.reversed() { b.insert(w) }
        XCTAssertEqual(a.binaryEncoded(), b.binaryEncoded())
        var d1: [Int: String] = [:], d2: [Int: String] = [:]
        d2.reserveCapacity(100)
        for i in 0..<40 { d1[i] = "v\(i)" }
        for i in (0..<40).reversed() { d2[i] = "v\(i)" }
        XCTAssertEqual(d1.binaryEncoded(), d2.binaryEncoded())
        XCTAssertEqual(d1.keyHash(), d2.keyHash())
    }

    func testMalformedInputThrows() {
        XCTAssertThrowsError(try Bool(binaryEncoded: [2])) {
            XCTAssertEqual($0 as? SerializationError, .invalidValue("Bool byte must be 0 or 1, got 2"))
        }
        XCTAssertThrowsError(try Int?(binaryEncoded: [3, 0, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertThrowsError(try String(binaryEncoded: [2, 0xC3, 0x28])) { XCTAssertEqual($0 as? SerializationError, .invalidUTF8(byteCount: 2)) }
        XCTAssertThrowsError(try String(binaryEncoded: [5, 0x41])) { error in
            XCTAssertEqual(error as? SerializationError, .truncated(needed: 5, remaining: 1, what: "String"))
            XCTAssertTrue("\(error)".contains("String"))
        }
        XCTAssertThrowsError(try Int(binaryEncoded: [1, 2, 3])) {
            XCTAssertEqual($0 as? SerializationError, .truncated(needed: 8, remaining: 3, what: "UInt64"))
        }
        XCTAssertThrowsError(try [Int](binaryEncoded: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))
        XCTAssertThrowsError(try [UInt8](binaryEncoded: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))
        XCTAssertThrowsError(try [Int](binaryEncoded: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])) {
            XCTAssertEqual($0 as? SerializationError, .varIntOverflow)
        }
        XCTAssertThrowsError(try [Int](binaryEncoded: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]))
        XCTAssertThrowsError(try Set<Int8>(binaryEncoded: [2, 1, 1]))  // duplicate
        XCTAssertThrowsError(try [Int8: Int8](binaryEncoded: [2, 1, 0, 1, 0]))  // duplicate key
        XCTAssertThrowsError(try Int8(binaryEncoded: [1, 2]))  // trailing byte
        assertPrefixesThrow([["a": [1, 2]], ["bb": []]])
        assertPrefixesThrow(Optional("text"))
        assertPrefixesThrow(Set(["x", "y"]))
    }

    func testRandomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let n = Int.random(in: 0...24, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? [String](binaryEncoded: bytes)
            _ = try? [Int: [Double?]](binaryEncoded: bytes)
            _ = try? Set<Int16>(binaryEncoded: bytes)
            _ = try? [UInt8](binaryEncoded: bytes)
            _ = try? KeyGroupRange(binaryEncoded: bytes)
        }
    }

    func testWriterAndReaderBasics() throws {
        var w = BinaryWriter(capacity: 64)
        w.writeUInt8(7)
        w.writeInt16(-2)
        w.writeUInt32(0xdead_beef)
        w.writeInt64(-5)
        w.writeVarInt(-3)
        w.writeString("ok")
        w.writeBytes([9, 9] as [UInt8])
        let capacity = w.bytes.capacity
        let bytes = w.bytes
        var r = BinaryReader(bytes)
        XCTAssertEqual(try r.readUInt8(), 7)
        XCTAssertEqual(try r.readInt16(), -2)
        XCTAssertEqual(try r.readUInt32(), 0xdead_beef)
        XCTAssertEqual(try r.readInt64(), -5)
        XCTAssertEqual(try r.readVarInt(), -3)
        XCTAssertEqual(try r.readString(), "ok")
        XCTAssertEqual(r.remaining, 2)
        XCTAssertEqual(try r.readBytes(count: 2), [9, 9])
        XCTAssertTrue(r.isAtEnd)
        XCTAssertThrowsError(try r.readUInt8())
        w.reset()
        XCTAssertEqual(w.count, 0)
        XCTAssertGreaterThanOrEqual(w.bytes.capacity, capacity)

        // A reader over a slice sees only the slice.
        var slice = BinaryReader(bytes[1..<3])
        XCTAssertEqual(try slice.readInt16(), -2)
        XCTAssertTrue(slice.isAtEnd)
        XCTAssertThrowsError(try slice.readUInt8())
    }
}
