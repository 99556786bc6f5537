// Failures a restart cannot fix: the job fails at once, whatever the restart strategy.

/// An error that restarting the job cannot fix, because the restarted job would meet it again
/// at once (Flink's SuppressRestartsException): a task that fails with one ends the job
/// without a restart.
public protocol UnrecoverableError: Error {}

/// State used against its declaration (another type than restored or registered, no current
/// key): the restarted job would run the same code on the same state.
extension StateAccessError: UnrecoverableError {}

/// True when `error`, or the error an operator failed with, cannot be fixed by a restart.
public func isUnrecoverable(_ error: any Error) -> Bool {
    if error is UnrecoverableError { return true }
    if let operatorError = error as? OperatorError { return isUnrecoverable(operatorError.underlying) }
    return false
}
