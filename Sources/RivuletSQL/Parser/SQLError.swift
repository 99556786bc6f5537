// Errors in SQL text: what is wrong, and the line and column where it is.

/// A place in a SQL script: line and column count from 1, as an editor shows them.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "line \(line), column \(column)" }
}

/// A statement that cannot be read (syntax), or that asks for what Rivulet does not support.
public struct SQLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: SourcePosition

    public init(_ message: String, at position: SourcePosition) {
        self.message = message
        self.position = position
    }

    public var description: String { "SQL error at \(position): \(message)" }
}
