// Tests the derived Codable path of the binary format: structs, classes, enums, optionals, nesting, corruption.

import Foundation
import XCTest
@testable import RivuletCore

/// Codable only (not BinaryCodable): goes through nested encoders.
struct PlainPoint: Codable, Equatable, Hashable {
    var x: Int
    var y: Double
}

/// A user event that gets BinaryCodable for free from Codable.
struct TestEvent: Codable, BinaryCodable, Equatable {
    var id: Int
    var user: String
    var tags: [String]
    var score: Double?
    var missing: Int?
    var point: PlainPoint
    var points: [[PlainPoint]]
    var counts: [String: Int]
    var byID: [Int: PlainPoint]
    var named: [String: PlainPoint]
    var maybePoint: PlainPoint?
    var flags: Set<Int8>
    var shape: TestShape
    var raw: TestColor
}

/// An enum with associated values as synthesized by the compiler.
enum TestShape: Codable, Equatable {
    case circle(radius: Double)
    case rect(w: Int, h: Int)
    case point
    case labeled(String, PlainPoint?)
    case nested([TestShape])
}

/// A raw-value enum (single value container).
enum TestColor: String, Codable, Equatable {
    case red, green
}

/// A class hierarchy using superEncoder / superDecoder.
class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

final class Dog: Animal {
    var good: Bool
    init(name: String, good: Bool) {
        self.good = good
        super.init(name: name)
    }
    private enum CodingKeys: String, CodingKey { case good }
    required init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        good = try c.decode(Bool.self, forKey: .good)
        try super.init(from: try c.superDecoder())
    }
    override func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(good, forKey: .good)
        try super.encode(to: c.superEncoder())
    }
}

/// Custom code that writes a nested container after later keys, and uses unkeyed nesting.
struct OutOfOrder: Codable, Equatable {
    var a: Int
    var inner: [String]
    var b: String
    private enum K: String, CodingKey { case a, inner, b }
    private enum I: String, CodingKey { case list }
    init(a: Int, inner: [String], b: String) { self.a = a; self.inner = inner; self.b = b }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: K.self)
        var nested = c.nestedContainer(keyedBy: I.self, forKey: .inner)
        try c.encode(a, forKey: .a)
        var list = nested.nestedUnkeyedContainer(forKey: .list)
        try c.encode(b, forKey: .b)
        for s in inner { try list.encode(s) }
        try list.encodeNil()
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: K.self)
        a = try c.decode(Int.self, forKey: .a)
        b = try c.decode(String.self, forKey: .b)
        var list = try c.nestedContainer(keyedBy: I.self, forKey: .inner).nestedUnkeyedContainer(forKey: .list)
        var out: [String] = []
        while !list.isAtEnd {
            if try list.decodeNil() { continue }
            out.append(try list.decode(String.self))
        }
        inner = out
    }
}

/// Asks the encoder for no container at all.
struct Empty: Codable, BinaryCodable, Equatable {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws {}
}

final class BinaryCodableCodableTests: XCTestCase {
    func sampleEvent() -> TestEvent {
        TestEvent(
            id: 42, user: "ünïcødé 🙂", tags: ["a", "", "long tag"], score: 0.5, missing: nil,
            point: PlainPoint(x: -1, y: 2.5), points: [[PlainPoint(x: 1, y: 1)], [], [PlainPoint(x: 2, y: 2), PlainPoint(x: 3, y: 3)]],
            counts: ["x": 1, "y": 2], byID: [7: PlainPoint(x: 7, y: 7), -1: PlainPoint(x: 0, y: 0)],
            named: Dictionary(uniqueKeysWithValues: (0..<40).map { ("k\($0)", PlainPoint(x: $0, y: 0)) }),
            maybePoint: nil, flags: [1, 2, 3], shape: .labeled("hi", PlainPoint(x: 5, y: 6)), raw: .green)
    }

    func testStructRoundTripThroughBinaryCodable() throws {
        let event = sampleEvent()
        var w = BinaryWriter()
        event.encode(to: &w)  // BinaryCodable.encode(to: inout BinaryWriter)
        var r = BinaryReader(w.bytes)
        let decoded = try TestEvent(from: &r)  // BinaryCodable.init(from: inout BinaryReader)
        XCTAssertTrue(r.isAtEnd)
        XCTAssertEqual(decoded, event)
        XCTAssertEqual(event.keyHash(), referenceMurmur3(w.bytes))
        XCTAssertEqual(try encodeCodable(event), w.bytes)

        // The same type still works with Foundation's Codable coders: no ambiguity.
        let json = try JSONEncoder().encode(event)
        XCTAssertEqual(try JSONDecoder().decode(TestEvent.self, from: json), event)
    }

    func testEnumsAllCases() throws {
        let shapes: [TestShape] = [
            .circle(radius: 2), .rect(w: 3, h: 4), .point, .labeled("", nil),
            .labeled("x", PlainPoint(x: 1, y: 2)), .nested([.point, .nested([.circle(radius: -1)])]),
        ]
        for shape in shapes {
            let bytes = try encodeCodable(shape)
            XCTAssertEqual(try decodeCodable(TestShape.self, from: bytes), shape)
        }
        XCTAssertEqual(try decodeCodable([TestShape].self, from: try encodeCodable(shapes)), shapes)
        XCTAssertEqual(try decodeCodable(TestColor.self, from: try encodeCodable(TestColor.red)), .red)
        // A raw value that is not a case throws.
        XCTAssertThrowsError(try decodeCodable(TestColor.self, from: try encodeCodable("blue")))
    }

    func testOptionalsAndTopLevelValues() throws {
        XCTAssertEqual(try decodeCodable(PlainPoint?.self, from: try encodeCodable(PlainPoint?.none)), nil)
        XCTAssertEqual(
            try decodeCodable(PlainPoint?.self, from: try encodeCodable(PlainPoint?.some(PlainPoint(x: 1, y: 2)))),
            PlainPoint(x: 1, y: 2))
        let doubleOptional: PlainPoint?? = .some(nil)
        XCTAssertEqual(try decodeCodable(PlainPoint??.self, from: try encodeCodable(doubleOptional)), doubleOptional)
        XCTAssertEqual(try decodeCodable(Int.self, from: try encodeCodable(5)), 5)
        XCTAssertEqual(
            try decodeCodable([PlainPoint?].self, from: try encodeCodable([nil, PlainPoint(x: 3, y: 4)])),
            [nil, PlainPoint(x: 3, y: 4)])
        let dict: [String: [PlainPoint?]] = ["a": [nil], "b": []]
        XCTAssertEqual(try decodeCodable([String: [PlainPoint?]].self, from: try encodeCodable(dict)), dict)
        XCTAssertEqual(
            try decodeCodable(Set<PlainPoint>.self, from: try encodeCodable(Set([PlainPoint(x: 1, y: 1)]))),
            Set([PlainPoint(x: 1, y: 1)]))
    }

    func testDecodeIfPresentAndMissingKeys() throws {
        struct V1: Codable { var a: Int }
        struct V2: Codable, Equatable { var a: Int; var b: String? }
        XCTAssertEqual(try decodeCodable(V2.self, from: try encodeCodable(V1(a: 3))), V2(a: 3, b: nil))
        XCTAssertEqual(try decodeCodable(V1.self, from: try encodeCodable(V2(a: 1, b: "x"))).a, 1)  // extra keys are ignored
        struct NeedsC: Codable { var c: Int }
        XCTAssertThrowsError(try decodeCodable(NeedsC.self, from: try encodeCodable(V1(a: 3)))) { error in
            XCTAssertEqual(error as? SerializationError, .keyNotFound(key: "c", codingPath: "<root>"))
        }
        struct WrongType: Codable { var a: String }
        XCTAssertThrowsError(try decodeCodable(WrongType.self, from: try encodeCodable(V1(a: 3))))
    }

    func testClassesCustomCodingAndEmpty() throws {
        let dog = Dog(name: "Rex", good: true)
        let back = try decodeCodable(Dog.self, from: try encodeCodable(dog))
        XCTAssertEqual(back.name, "Rex")
        XCTAssertTrue(back.good)

        let o = OutOfOrder(a: 1, inner: ["p", "q"], b: "z")
        XCTAssertEqual(try decodeCodable(OutOfOrder.self, from: try encodeCodable(o)), o)

        // Several values back to back, including one that wrote no container, are self-delimiting.
        var w = BinaryWriter()
        Empty().encode(to: &w)
        sampleEvent().encode(to: &w)
        Empty().encode(to: &w)
        try encodeCodable(TestShape.point, to: &w)
        7.encode(to: &w)
        var r = BinaryReader(w.bytes)
        XCTAssertEqual(try Empty(from: &r), Empty())
        XCTAssertEqual(try TestEvent(from: &r), sampleEvent())
        XCTAssertEqual(try Empty(from: &r), Empty())
        XCTAssertEqual(try decodeCodable(TestShape.self, from: &r), .point)
        XCTAssertEqual(try Int(from: &r), 7)
        XCTAssertTrue(r.isAtEnd)
    }

    func testCodableKeysUseKeyGroups() {
        let a = PlainKey(user: "u1", region: 3), b = PlainKey(user: "u1", region: 3)
        XCTAssertEqual(a.keyHash(), b.keyHash())
        XCTAssertEqual(a.keyHash(), referenceMurmur3(a.binaryEncoded()))
        XCTAssertNotEqual(a.keyHash(), PlainKey(user: "u2", region: 3).keyHash())
        XCTAssertEqual(KeyGroupRangeAssignment.keyGroup(for: a, maxParallelism: 128), Int(a.keyHash() % 128))
    }

    func testTruncatedAndCorruptedBytesThrowNotCrash() throws {
        let bytes = try encodeCodable(sampleEvent())
        for n in 0..<bytes.count {
            XCTAssertThrowsError(try decodeCodable(TestEvent.self, from: Array(bytes[0..<n])), "prefix \(n)")
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var corrupt = bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                corrupt[Int.random(in: 0..<corrupt.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? decodeCodable(TestEvent.self, from: corrupt)
            _ = try? decodeCodable([TestShape].self, from: corrupt)
        }
        for _ in 0..<2000 {
            let junk = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? decodeCodable(TestEvent.self, from: junk)
            _ = try? decodeCodable(TestShape.self, from: junk)
            _ = try? decodeCodable(PlainPoint?.self, from: junk)
            _ = try? decodeCodable(Dog.self, from: junk)
        }
    }
}

/// A composite key type (Codable + BinaryCodable + Hashable).
struct PlainKey: Codable, BinaryCodable, Hashable {
    var user: String
    var region: Int
}
