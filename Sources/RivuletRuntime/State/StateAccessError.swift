// Errors from using state the wrong way, naming the state and the problem.

/// A misuse of state, reported as a job failure with the operator's name.
public struct StateAccessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
