// The life of one subtask's execution, with the transitions it may make.

/// Where one execution (a subtask of one run) is in its life (Flink's ExecutionState).
/// It moves forward only: CREATED, SCHEDULED, DEPLOYING, INITIALIZING, RUNNING, FINISHED, and
/// from any state that has not ended to CANCELING, CANCELED or FAILED. Reports that arrive
/// late or twice (a RUNNING after FINISHED, a second FINISHED) are not transitions and change
/// nothing.
public enum ExecutionState: String, CaseIterable, Codable, Sendable {
    case created = "CREATED"
    case scheduled = "SCHEDULED"
    case deploying = "DEPLOYING"
    case initializing = "INITIALIZING"
    case running = "RUNNING"
    case finished = "FINISHED"
    case canceling = "CANCELING"
    case canceled = "CANCELED"
    case failed = "FAILED"

    /// True once the execution can never change again.
    public var isTerminal: Bool { self == .finished || self == .canceled || self == .failed }

    /// The step of the normal life, for the forward-only rule; nil for the ways out.
    private var step: Int? {
        switch self {
        case .created: 0
        case .scheduled: 1
        case .deploying: 2
        case .initializing: 3
        case .running: 4
        case .finished: 5
        case .canceling, .canceled, .failed: nil
        }
    }

    /// Whether an execution in this state may move to `next`. A TaskManager's reports may skip
    /// steps (a short task reports FINISHED before the JobMaster has seen RUNNING), so any
    /// forward move is legal; nothing leaves a terminal state, and CANCELING ends only in
    /// CANCELED or FAILED.
    public func canTransition(to next: ExecutionState) -> Bool {
        guard !isTerminal, next != self else { return false }
        switch next {
        case .canceling, .failed, .canceled:
            return true
        default:
            guard let from = step, let to = next.step else { return false }
            return to > from
        }
    }
}
