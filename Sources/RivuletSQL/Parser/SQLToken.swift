// The tokens of Flink SQL text.

/// One token and where it starts.
public struct SQLToken: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A word: a keyword or an unquoted identifier (compared case-insensitively).
        case word(String)
        /// A `back-quoted` identifier, kept exactly as written.
        case quotedIdentifier(String)
        /// A 'string' literal ('' inside stands for one quote).
        case string(String)
        /// An integer or decimal literal, as written.
        case number(String)
        /// An operator or punctuation: ( ) , . ; * + - / % = <> != < <= > >= || [ ]
        case symbol(String)
        case end
    }

    public var kind: Kind
    public var position: SourcePosition

    public init(_ kind: Kind, at position: SourcePosition) {
        self.kind = kind
        self.position = position
    }

    /// The word in upper case, when the token is an unquoted word.
    var keyword: String? {
        if case .word(let w) = kind { return w.uppercased() }
        return nil
    }

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .word(let w): return "'\(w)'"
        case .quotedIdentifier(let w): return "`\(w)`"
        case .string(let s): return "string '\(s)'"
        case .number(let n): return "number \(n)"
        case .symbol(let s): return "'\(s)'"
        case .end: return "the end of the script"
        }
    }
}
