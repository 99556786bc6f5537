// The change a row of a changelog stands for (Flink's RowKind).

/// What a row does to the result: appends it, retracts or replaces a row, or deletes one.
public enum RowKind: UInt8, Sendable {
    case insert = 0
    case updateBefore = 1
    case updateAfter = 2
    case delete = 3

    /// `+I`, `-U`, `+U`, `-D`, as Flink prints them.
    public var shortString: String {
        switch self {
        case .insert: "+I"
        case .updateBefore: "-U"
        case .updateAfter: "+U"
        case .delete: "-D"
        }
    }
}
