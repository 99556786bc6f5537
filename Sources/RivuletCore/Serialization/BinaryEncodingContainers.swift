// The keyed, unkeyed and single-value containers of the binary Encoder.

/// Keyed container: each entry is the key string and a marked value.
struct KeyedBinaryEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: BinaryEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    init(encoder: BinaryEncoder) {
        self.encoder = encoder
    }

    /// Counts the entry and writes its key.
    private func begin(_ key: some CodingKey) {
        encoder.count += 1
        encoder.buffer.writeString(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { begin(key); encoder.buffer.writeUInt8(0) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { begin(key); encoder.appendMarkedPrimitive(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        begin(key)
        try encoder.appendMarked(value, path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        begin(key)
        return encoder.pendingChild(path: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        begin(key)
        return encoder.pendingChild(path: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        begin(BinaryCodingKey.superKey)
        return encoder.pendingChild(path: codingPath + [BinaryCodingKey.superKey])
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        begin(key)
        return encoder.pendingChild(path: codingPath + [key])
    }
}

/// Unkeyed container: a count and marked elements, in order.
struct UnkeyedBinaryEncodingContainer: UnkeyedEncodingContainer {
    let encoder: BinaryEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.count }

    init(encoder: BinaryEncoder) {
        self.encoder = encoder
    }

    /// The path of the next element.
    private var nextPath: [any CodingKey] { codingPath + [BinaryCodingKey(intValue: encoder.count)] }

    mutating func encodeNil() throws { encoder.count += 1; encoder.buffer.writeUInt8(0) }
    mutating func encode(_ value: Bool) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: String) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Double) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Float) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int8) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int16) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int32) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: Int64) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt8) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt16) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt32) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }
    mutating func encode(_ value: UInt64) throws { encoder.count += 1; encoder.appendMarkedPrimitive(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextPath
        encoder.count += 1
        try encoder.appendMarked(value, path: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        encoder.count += 1
        return encoder.pendingChild(path: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        encoder.count += 1
        return encoder.pendingChild(path: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextPath
        encoder.count += 1
        return encoder.pendingChild(path: path)
    }
}

/// Single-value container: a tag byte (0 = nil, 1 = value) and the value, written once.
struct SingleValueBinaryEncodingContainer: SingleValueEncodingContainer {
    let encoder: BinaryEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    init(encoder: BinaryEncoder) {
        self.encoder = encoder
    }

    /// Writes the "value present" tag; a second value is a programming error.
    private func begin() {
        precondition(
            encoder.buffer.count == 0,
            "\(BinaryEncoder.pathString(codingPath)): single value container encoded twice")
        encoder.buffer.writeUInt8(1)
    }

    mutating func encodeNil() throws {
        precondition(
            encoder.buffer.count == 0,
            "\(BinaryEncoder.pathString(codingPath)): single value container encoded twice")
        encoder.buffer.writeUInt8(0)
    }
    mutating func encode(_ value: Bool) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: String) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Double) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Float) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Int) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Int8) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Int16) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Int32) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: Int64) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: UInt) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: UInt8) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: UInt16) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: UInt32) throws { begin(); value.encode(to: &encoder.buffer) }
    mutating func encode(_ value: UInt64) throws { begin(); value.encode(to: &encoder.buffer) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        begin()
        try BinaryEncoder.writeValue(value, path: codingPath, into: &encoder.buffer)
    }
}
