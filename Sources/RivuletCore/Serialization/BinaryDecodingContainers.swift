// The keyed, unkeyed and single-value containers of the binary Decoder.

/// Keyed container over a parsed `BinaryKeyedIndex`.
struct KeyedBinaryDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: BinaryDecoder
    let index: BinaryKeyedIndex
    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        index.entries.indices.compactMap { i in index.keyString(i).flatMap { Key(stringValue: $0) } }
    }

    func contains(_ key: Key) -> Bool { index.find(key.stringValue) != nil }

    /// The entry for `key`, or `keyNotFound`.
    private func entry(_ key: Key) throws -> BinaryKeyedIndex.Entry {
        guard let i = index.find(key.stringValue) else {
            throw SerializationError.keyNotFound(
                key: key.stringValue,
                codingPath: BinaryEncoder.pathString(codingPath))
        }
        return index.entries[i]
    }

    /// The value bytes for `key`; nil values throw.
    private func valueBytes(_ key: Key, _ what: Any.Type) throws -> ArraySlice<UInt8> {
        guard let range = try entry(key).value else {
            throw SerializationError.invalidValue(
                "expected \(what) but found nil at \(BinaryEncoder.pathString(codingPath + [key]))")
        }
        return index.bytes(range)
    }

    private func primitive<T: BinaryCodable>(_ type: T.Type, _ key: Key) throws -> T {
        var sub = BinaryReader(try valueBytes(key, type))
        let value = try T(from: &sub)
        try sub.expectEnd("\(T.self) at \(BinaryEncoder.pathString(codingPath + [key]))")
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try entry(key).value == nil }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try primitive(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try primitive(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try primitive(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try primitive(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try primitive(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try primitive(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try primitive(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try primitive(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try primitive(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try primitive(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try primitive(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try primitive(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try primitive(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try primitive(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try BinaryDecoder.decodeValue(type, from: try valueBytes(key, type), path: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try BinaryDecoder.nested(try valueBytes(key, type), path: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BinaryDecoder.nested(try valueBytes(key, [Any].self), path: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try superDecoder(named: BinaryCodingKey.superKey)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try superDecoder(named: key)
    }

    private func superDecoder(named key: some CodingKey) throws -> any Decoder {
        guard let i = index.find(key.stringValue), let range = index.entries[i].value else {
            throw SerializationError.keyNotFound(
                key: key.stringValue,
                codingPath: BinaryEncoder.pathString(codingPath))
        }
        return BinaryDecoder.nested(index.bytes(range), path: codingPath + [key])
    }
}

/// Unkeyed container: reads marked elements in order from its own cursor.
struct UnkeyedBinaryDecodingContainer: UnkeyedDecodingContainer {
    let decoder: BinaryDecoder
    var reader: BinaryReader
    let elementCount: Int
    private(set) var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elementCount }
    var isAtEnd: Bool { currentIndex >= elementCount }

    init(decoder: BinaryDecoder, reader: BinaryReader, count: Int) {
        self.decoder = decoder
        self.reader = reader
        self.elementCount = count
    }

    private var currentPath: [any CodingKey] { codingPath + [BinaryCodingKey(intValue: currentIndex)] }

    /// The next element's bytes; nil elements and reading past the end throw.
    private mutating func nextBytes(_ what: Any.Type) throws -> ArraySlice<UInt8> {
        guard !isAtEnd else {
            throw SerializationError.invalidValue(
                "unkeyed container at \(BinaryEncoder.pathString(codingPath)) has only \(elementCount) element(s); cannot decode \(what)")
        }
        let marker = try reader.readVarUInt()
        guard marker > 0 else {
            throw SerializationError.invalidValue(
                "expected \(what) but found nil at \(BinaryEncoder.pathString(currentPath))")
        }
        let n = try BinaryDecoder.length(marker: marker, reader: reader, currentPath)
        let bytes = try reader.readSlice(count: n)
        currentIndex += 1
        return bytes
    }

    private mutating func primitive<T: BinaryCodable>(_ type: T.Type) throws -> T {
        let path = currentPath
        var sub = BinaryReader(try nextBytes(type))
        let value = try T(from: &sub)
        try sub.expectEnd("\(T.self) at \(BinaryEncoder.pathString(path))")
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw SerializationError.invalidValue(
                "unkeyed container at \(BinaryEncoder.pathString(codingPath)) has only \(elementCount) element(s)")
        }
        var peek = reader
        if try peek.readVarUInt() == 0 {
            reader = peek
            currentIndex += 1
            return true
        }
        return false
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try primitive(type) }
    mutating func decode(_ type: String.Type) throws -> String { try primitive(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try primitive(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try primitive(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try primitive(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try primitive(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try primitive(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try primitive(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try primitive(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try primitive(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try primitive(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try primitive(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try primitive(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try primitive(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let path = currentPath
        return try BinaryDecoder.decodeValue(type, from: try nextBytes(type), path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let path = currentPath
        return try BinaryDecoder.nested(try nextBytes(type), path: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let path = currentPath
        return try BinaryDecoder.nested(try nextBytes([Any].self), path: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let path = currentPath
        return BinaryDecoder.nested(try nextBytes(Any.self), path: path)
    }
}

/// Single-value container: the tag was read when the container was made; the value follows.
struct SingleValueBinaryDecodingContainer: SingleValueDecodingContainer {
    let decoder: BinaryDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool {
        if case .single(let isNil) = decoder.state { return isNil }
        return false
    }

    /// Throws if the tag said nil.
    private func requireValue(_ what: Any.Type) throws {
        if decodeNil() {
            throw SerializationError.invalidValue(
                "expected \(what) but found nil at \(BinaryEncoder.pathString(codingPath))")
        }
    }

    private func primitive<T: BinaryCodable>(_ type: T.Type) throws -> T {
        try requireValue(type)
        return try T(from: &decoder.reader)
    }
    func decode(_ type: Bool.Type) throws -> Bool { try primitive(type) }
    func decode(_ type: String.Type) throws -> String { try primitive(type) }
    func decode(_ type: Double.Type) throws -> Double { try primitive(type) }
    func decode(_ type: Float.Type) throws -> Float { try primitive(type) }
    func decode(_ type: Int.Type) throws -> Int { try primitive(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try primitive(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try primitive(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try primitive(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try primitive(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try primitive(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try primitive(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try primitive(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try primitive(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try primitive(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try requireValue(type)
        if let binary = T.self as? any BinaryCodable.Type {
            let value = try binary.init(from: &decoder.reader)
            guard let typed = value as? T else {
                throw SerializationError.invalidValue("decoded \(Swift.type(of: value)), expected \(T.self)")
            }
            return typed
        }
        let child = BinaryDecoder(reader: decoder.reader, codingPath: codingPath)
        let value = try T(from: child)
        try child.consumeUnclaimed()
        decoder.reader = child.reader
        return value
    }
}
