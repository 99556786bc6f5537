// Errors raised when bytes cannot be decoded into a value.

/// Why decoding bytes failed. Malformed or truncated input always ends in one of these,
/// never in a crash.
public enum SerializationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input ended early: `what` needed `needed` bytes but only `remaining` were left.
    case truncated(needed: Int, remaining: Int, what: String)
    /// The bytes are present but do not form a valid value.
    case invalidValue(String)
    /// A string's bytes are not valid UTF-8.
    case invalidUTF8(byteCount: Int)
    /// A variable-length integer is longer than 10 bytes or overflows 64 bits.
    case varIntOverflow
    /// A keyed container lacks a key the type requires.
    case keyNotFound(key: String, codingPath: String)
    /// An encoded value could not be represented (e.g. a length beyond `Int.max`).
    case unsupported(String)

    /// A message naming what went wrong and where.
    public var description: String {
        switch self {
        case .truncated(let needed, let remaining, let what):
            return "truncated input: reading \(what) needs \(needed) byte(s) but only \(remaining) remain"
        case .invalidValue(let message):
            return "invalid value: \(message)"
        case .invalidUTF8(let count):
            return "invalid UTF-8 in a string of \(count) byte(s)"
        case .varIntOverflow:
            return "malformed varint: more than 10 bytes or overflows UInt64"
        case .keyNotFound(let key, let path):
            return "key '\(key)' not found at '\(path.isEmpty ? "<root>" : path)'"
        case .unsupported(let message):
            return "unsupported: \(message)"
        }
    }
}
