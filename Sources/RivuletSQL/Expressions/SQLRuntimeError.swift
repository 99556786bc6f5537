// A failure while a SQL job evaluates its rows (division by zero, a bad CAST, an overflow).

/// An error evaluating an expression over a row; it fails the job (and restarts it, as
/// any task failure does), naming the expression.
public struct SQLRuntimeError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
