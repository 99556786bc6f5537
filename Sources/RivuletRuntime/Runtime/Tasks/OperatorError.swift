// A failure attributed to the operator (and subtask) whose code threw.

/// An error thrown by an operator's code, with the operator's name.
@usableFromInline package struct OperatorError: Error, CustomStringConvertible {
    @usableFromInline package let operatorName: String
    @usableFromInline package let underlying: any Error

    @usableFromInline package init(operatorName: String, underlying: any Error) {
        self.operatorName = operatorName
        self.underlying = underlying
    }

    @usableFromInline package var description: String { "operator '\(operatorName)' failed: \(underlying)" }
}

/// Wraps `error` with the operator name unless it already carries one (or is a cancellation).
@inlinable
package func attributed(_ operatorName: String, _ error: any Error) -> any Error {
    if error is OperatorError || error is TaskCancelledError { return error }
    return OperatorError(operatorName: operatorName, underlying: error)
}
