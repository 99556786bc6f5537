// Errors from RocksDB, naming the operation and the database path.

/// A RocksDB call failed; the message is RocksDB's own, with what we were doing.
public struct RocksDBError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let path: String
    public let message: String

    public init(operation: String, path: String, message: String) {
        self.operation = operation
        self.path = path
        self.message = message
    }

    public var description: String { "RocksDB \(operation) failed for '\(path)': \(message)" }
}
