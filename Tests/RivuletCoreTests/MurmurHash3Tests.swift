// Tests MurmurHash3_x86_32 against reference vectors, an independent implementation and its fast paths.

import XCTest
@testable import RivuletCore

/// A deliberately plain, byte-at-a-time transcription of the reference MurmurHash3_x86_32.
func referenceMurmur3(_ data: [UInt8], seed: UInt32 = 0) -> UInt32 {
    func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }
    let c1: UInt32 = 0xcc9e2d51, c2: UInt32 = 0x1b873593
    var h1 = seed
    let nblocks = data.count / 4
    for i in 0..<nblocks {
        var k1 = UInt32(data[i * 4]) | UInt32(data[i * 4 + 1]) << 8 | UInt32(data[i * 4 + 2]) << 16 | UInt32(data[i * 4 + 3]) << 24
        k1 = k1 &* c1; k1 = rotl(k1, 15); k1 = k1 &* c2
        h1 ^= k1; h1 = rotl(h1, 13); h1 = h1 &* 5 &+ 0xe6546b64
    }
    let tail = nblocks * 4
    var k1: UInt32 = 0
    let rem = data.count & 3
    if rem >= 3 { k1 ^= UInt32(data[tail + 2]) << 16 }
    if rem >= 2 { k1 ^= UInt32(data[tail + 1]) << 8 }
    if rem >= 1 {
        k1 ^= UInt32(data[tail])
        k1 = k1 &* c1; k1 = rotl(k1, 15); k1 = k1 &* c2; h1 ^= k1
    }
    h1 ^= UInt32(truncatingIfNeeded: data.count)
    h1 ^= h1 >> 16; h1 = h1 &* 0x85ebca6b; h1 ^= h1 >> 13; h1 = h1 &* 0xc2b2ae35; h1 ^= h1 >> 16
    return h1
}

/// The big-endian bytes of a fixed-width integer.
func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

final class MurmurHash3Tests: XCTestCase {
    let vectors: [(String, UInt32, UInt32)] = [
        ("", 0, 0),
        ("", 1, 0x514E28B7),
        ("", 0xffffffff, 0x81F16F39),
        ("hello", 0, 0x248bfa47),
        ("The quick brown fox jumps over the lazy dog", 0, 0x2e4ff723),
        ("a", 0x9747b28c, 0x7FA09EA6),
        ("aa", 0x9747b28c, 0x5D211726),
        ("aaa", 0x9747b28c, 0x283E0130),
        ("aaaa", 0x9747b28c, 0x5A97808A),
        ("abcd", 0x9747b28c, 0xF0478627),
        ("Hello, world!", 0x9747b28c, 0x24884CBA),
        ("The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2FA826CD),
    ]

    func testReferenceVectors() {
        for (text, seed, expected) in vectors {
            let bytes = Array(text.utf8)
            XCTAssertEqual(MurmurHash3.hash32(bytes, seed: seed), expected, "\"\(text)\" seed \(seed)")
            XCTAssertEqual(referenceMurmur3(bytes, seed: seed), expected, "reference \"\(text)\" seed \(seed)")
            XCTAssertEqual(bytes.withUnsafeBytes { MurmurHash3.hash32($0, seed: seed) }, expected)
        }
        XCTAssertEqual(MurmurHash3.hash32([0, 0, 0, 0], seed: 0), 0x2362F9DE)
    }

    func testMatchesIndependentImplementationOnAllLengths() {
        var rng = SystemRandomNumberGenerator()
        for length in 0..<80 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let seed = UInt32.random(in: 0...UInt32.max, using: &rng)
                XCTAssertEqual(MurmurHash3.hash32(bytes, seed: seed), referenceMurmur3(bytes, seed: seed))
            }
        }
    }

    func testFixedWidthFastPathsEqualHashOfBytes() {
        var values: [UInt64] = [0, 1, 42, 0xff, 0x100, UInt64.max, UInt64.max - 1, 1 << 63, 0x0123_4567_89ab_cdef]
        for _ in 0..<2000 { values.append(UInt64.random(in: 0...UInt64.max)) }
        for v in values {
            for seed: UInt32 in [0, 1, 0x9747b28c] {
                XCTAssertEqual(MurmurHash3.hash32(bigEndian: v, seed: seed), referenceMurmur3(bigEndianBytes(v), seed: seed))
                let v32 = UInt32(truncatingIfNeeded: v)
                XCTAssertEqual(MurmurHash3.hash32(bigEndian: v32, seed: seed), referenceMurmur3(bigEndianBytes(v32), seed: seed))
                let v16 = UInt16(truncatingIfNeeded: v)
                XCTAssertEqual(MurmurHash3.hash32(bigEndian: v16, seed: seed), referenceMurmur3(bigEndianBytes(v16), seed: seed))
                let v8 = UInt8(truncatingIfNeeded: v)
                XCTAssertEqual(MurmurHash3.hash32(byte: v8, seed: seed), referenceMurmur3([v8], seed: seed))
            }
        }
    }

    func testLengthPrefixedEqualsHashOfVarintAndBytes() {
        for length in Array(0...40) + [126, 127, 128, 129, 300, 16_384, 20_000] {
            let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var w = BinaryWriter()
            w.writeVarUInt(UInt64(length))
            w.writeBytes(body)
            let expected = referenceMurmur3(w.bytes)
            XCTAssertEqual(body.withUnsafeBytes { MurmurHash3.hash32(lengthPrefixed: $0) }, expected, "length \(length)")
        }
    }

    func testIncrementalAnySplitEqualsOneShot() {
        let data = (0..<97).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        let expected = referenceMurmur3(data, seed: 7)
        for split1 in stride(from: 0, through: data.count, by: 3) {
            for split2 in stride(from: split1, through: data.count, by: 5) {
                var state = MurmurHash3.Incremental(seed: 7)
                data[0..<split1].withUnsafeBytes { state.combine($0) }
                for b in data[split1..<split2] { state.combine(byte: b) }
                data[split2...].withUnsafeBytes { state.combine($0) }
                XCTAssertEqual(state.finish(), expected)
            }
        }
    }
}

final class MurmurHash3LengthPrefixedTests: XCTestCase {
    func testLengthPrefixedHashEqualsHashOfVarintLengthThenBytes() {
        var rng = SystemRandomNumberGenerator()
        for length in 0...300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var prefixed: [UInt8] = []
            var n = UInt64(length)
            while n >= 0x80 { prefixed.append(UInt8(truncatingIfNeeded: n) | 0x80); n >>= 7 }
            prefixed.append(UInt8(n))
            prefixed += bytes
            let direct = bytes.withUnsafeBytes { MurmurHash3.hash32(lengthPrefixed: $0) }
            XCTAssertEqual(direct, MurmurHash3.hash32(prefixed), "length \(length)")
        }
    }
}
