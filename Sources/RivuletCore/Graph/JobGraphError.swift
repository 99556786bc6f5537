// Errors that make a job graph invalid, each naming the operator and the problem.

/// Why a StreamGraph cannot become a JobGraph.
public enum JobGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyJob(job: String)
    case duplicateUID(uid: String, operators: [String])
    case invalidParallelism(operator: String, parallelism: Int, maxParallelism: Int)
    case forwardParallelismMismatch(from: String, fromParallelism: Int, to: String, toParallelism: Int)
    case keyedStateWithoutKeyBy(operator: String)
    case cycle(job: String)

    public var description: String {
        switch self {
        case .emptyJob(let job):
            return "job '\(job)' has no sinks or operators: nothing to run"
        case .duplicateUID(let uid, let ops):
            return "uid '\(uid)' is used by more than one operator (\(ops.joined(separator: ", "))); uids must be unique"
        case .invalidParallelism(let op, let p, let maxP):
            return "operator '\(op)' has parallelism \(p) but max parallelism \(maxP); need 1 <= parallelism <= max parallelism <= 32768"
        case .forwardParallelismMismatch(let a, let pa, let b, let pb):
            return
                "forward partitioning from '\(a)' (parallelism \(pa)) to '\(b)' (parallelism \(pb)) does not allow a change of parallelism; use rebalance()"
        case .keyedStateWithoutKeyBy(let op):
            return "operator '\(op)' uses keyed state or timers but its input is not a keyed stream; call keyBy() first"
        case .cycle(let job):
            return "job '\(job)' has a cycle; iterations are not supported"
        }
    }
}
