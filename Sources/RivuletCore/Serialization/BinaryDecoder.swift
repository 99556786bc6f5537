// Decodes any Decodable value from Rivulet's binary format (see BinaryEncoder.swift).

/// Decodes a `T` through its `Decodable` conformance from `reader`, advancing the reader past
/// exactly the bytes of the value. Malformed input throws `SerializationError`.
public func decodeCodable<T: Decodable>(_ type: T.Type, from reader: inout BinaryReader) throws -> T {
    let decoder = BinaryDecoder(reader: reader, codingPath: [])
    let value = try T(from: decoder)
    try decoder.consumeUnclaimed()
    reader = decoder.reader
    return value
}

/// Decodes a `T` that must span all of `bytes`.
public func decodeCodable<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
    var reader = BinaryReader(bytes)
    let value = try decodeCodable(type, from: &reader)
    try reader.expectEnd("\(T.self)")
    return value
}

/// The `Decoder` behind `decodeCodable`: one per value, over that value's bytes.
final class BinaryDecoder: Decoder {
    /// What the value's bytes were parsed as, once a container was asked for.
    enum State {
        case none
        case keyed(BinaryKeyedIndex)
        /// The reader positioned at the first element, and the element count.
        case unkeyed(BinaryReader, Int)
        /// Whether the tag said nil.
        case single(isNil: Bool)
    }

    /// Positioned after the parts already parsed.
    var reader: BinaryReader
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var state: State = .none

    init(reader: BinaryReader, codingPath: [any CodingKey]) {
        self.reader = reader
        self.codingPath = codingPath
    }

    /// The keyed entries, parsed on first use.
    func keyedIndex() throws -> BinaryKeyedIndex {
        switch state {
        case .keyed(let index):
            return index
        case .none:
            let index = try BinaryKeyedIndex(parsing: &reader, codingPath: codingPath)
            state = .keyed(index)
            return index
        default:
            throw mismatch("a keyed container")
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedBinaryDecodingContainer<Key>(decoder: self, index: try keyedIndex()))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch state {
        case .unkeyed(let start, let count):
            return UnkeyedBinaryDecodingContainer(decoder: self, reader: start, count: count)
        case .none:
            let count = try reader.readCount("unkeyed container count at \(BinaryEncoder.pathString(codingPath))")
            let start = reader
            for _ in 0..<count {
                let marker = try reader.readVarUInt()
                if marker > 0 { try reader.skip(try BinaryDecoder.length(marker: marker, reader: reader, codingPath)) }
            }
            state = .unkeyed(start, count)
            return UnkeyedBinaryDecodingContainer(decoder: self, reader: start, count: count)
        default:
            throw mismatch("an unkeyed container")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        switch state {
        case .single:
            break
        case .none:
            switch try reader.readUInt8() {
            case 0: state = .single(isNil: true)
            case 1: state = .single(isNil: false)
            case let tag:
                throw SerializationError.invalidValue(
                    "single value tag must be 0 or 1, got \(tag) at \(BinaryEncoder.pathString(codingPath))")
            }
        default:
            throw mismatch("a single value container")
        }
        return SingleValueBinaryDecodingContainer(decoder: self)
    }

    /// A value that asked for no container was written as an empty keyed container: skip it.
    func consumeUnclaimed() throws {
        if case .none = state { _ = try keyedIndex() }
    }

    func mismatch(_ wanted: String) -> SerializationError {
        .invalidValue("\(BinaryEncoder.pathString(codingPath)): asked for \(wanted) after a different container")
    }

    /// The byte length a non-zero marker announces, checked against the input left.
    static func length(marker: UInt64, reader: BinaryReader, _ codingPath: [any CodingKey]) throws -> Int {
        let n = marker - 1
        guard n <= UInt64(reader.remaining) else {
            throw SerializationError.truncated(
                needed: n > UInt64(Int.max) ? Int.max : Int(n),
                remaining: reader.remaining,
                what: "value at \(BinaryEncoder.pathString(codingPath))")
        }
        return Int(n)
    }

    /// Decodes a `T` from exactly `bytes`: through BinaryCodable if `T` has it, else through a
    /// nested decoder.
    static func decodeValue<T: Decodable>(
        _ type: T.Type, from bytes: ArraySlice<UInt8>,
        path: [any CodingKey]
    ) throws -> T {
        var sub = BinaryReader(bytes)
        if let binary = T.self as? any BinaryCodable.Type {
            let value = try binary.init(from: &sub)
            try sub.expectEnd("\(T.self) at \(BinaryEncoder.pathString(path))")
            guard let typed = value as? T else {
                throw SerializationError.invalidValue("decoded \(Swift.type(of: value)), expected \(T.self)")
            }
            return typed
        }
        let child = BinaryDecoder(reader: sub, codingPath: path)
        let value = try T(from: child)
        try child.consumeUnclaimed()
        return value
    }

    /// A decoder over exactly `bytes`, for nested containers and super decoders.
    static func nested(_ bytes: ArraySlice<UInt8>, path: [any CodingKey]) -> BinaryDecoder {
        BinaryDecoder(reader: BinaryReader(bytes), codingPath: path)
    }
}

/// The entries of one keyed container: key bytes and value byte ranges, looked up by key.
final class BinaryKeyedIndex {
    struct Entry {
        let keyStart: Int
        let keyCount: Int
        /// `nil` when the entry was encoded as nil.
        let value: Range<Int>?
    }

    let storage: ArraySlice<UInt8>
    var entries: [Entry] = []
    /// Built on first lookup when there are many entries.
    var lookup: [String: Int]?

    /// Parses a keyed container at `reader`, leaving the reader after it.
    init(parsing reader: inout BinaryReader, codingPath: [any CodingKey]) throws {
        storage = reader.remainingBytes
        let count = try reader.readCount("keyed container count at \(BinaryEncoder.pathString(codingPath))")
        entries.reserveCapacity(Swift.min(count, reader.remaining / 2))
        for _ in 0..<count {
            let keyCount = try reader.readLength("key at \(BinaryEncoder.pathString(codingPath))")
            let keyStart = reader.position
            try reader.skip(keyCount)
            let marker = try reader.readVarUInt()
            if marker == 0 {
                entries.append(Entry(keyStart: keyStart, keyCount: keyCount, value: nil))
            } else {
                let n = try BinaryDecoder.length(marker: marker, reader: reader, codingPath)
                let start = reader.position
                try reader.skip(n)
                entries.append(Entry(keyStart: keyStart, keyCount: keyCount, value: start..<(start + n)))
            }
        }
    }

    /// The key of entry `i` as a string, or nil if its bytes are not UTF-8.
    func keyString(_ i: Int) -> String? {
        let e = entries[i]
        return String(validating: storage[e.keyStart..<(e.keyStart + e.keyCount)], as: UTF8.self)
    }

    /// The index of the entry for `key`.
    func find(_ key: String) -> Int? {
        if entries.count > 16 {
            if lookup == nil {
                var map: [String: Int] = [:]
                map.reserveCapacity(entries.count)
                for i in entries.indices {
                    if let k = keyString(i) { map[k] = i }
                }
                lookup = map
            }
            return lookup?[key]
        }
        var key = key
        return key.withUTF8 { want -> Int? in
            for (i, e) in entries.enumerated() where e.keyCount == want.count {
                if storage[e.keyStart..<(e.keyStart + e.keyCount)].elementsEqual(want) { return i }
            }
            return nil
        }
    }

    /// The value bytes of an entry.
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> { storage[range] }
}
