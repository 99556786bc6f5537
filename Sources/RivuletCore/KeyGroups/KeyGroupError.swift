// Errors for invalid parallelism / max parallelism combinations.

/// Why a parallelism / max parallelism pair cannot be used to assign key groups.
public enum KeyGroupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Parallelism below 1.
    case invalidParallelism(parallelism: Int)
    /// Max parallelism below 1 or above `upperBound`.
    case invalidMaxParallelism(maxParallelism: Int, upperBound: Int)
    /// More subtasks than key groups: some subtask would own no key group.
    case parallelismExceedsMaxParallelism(parallelism: Int, maxParallelism: Int)

    /// A message naming the offending values.
    public var description: String {
        switch self {
        case .invalidParallelism(let p):
            return "parallelism must be at least 1, got \(p)"
        case .invalidMaxParallelism(let maxP, let upper):
            return "max parallelism must be between 1 and \(upper), got \(maxP)"
        case .parallelismExceedsMaxParallelism(let p, let maxP):
            return "parallelism \(p) exceeds max parallelism \(maxP); need parallelism <= max parallelism"
        }
    }
}
