// Splits SQL text into tokens, skipping whitespace and comments, with each token's line and column.

/// Flink SQL's lexical rules: `--` line comments and `/* */` block comments, 'strings' with ''
/// for a quote, `back-quoted` identifiers, numbers with an optional fraction and exponent.
public enum SQLLexer {
    public static func tokens(_ text: String) throws -> [SQLToken] {
        let chars = Array(text.unicodeScalars)
        var tokens: [SQLToken] = []
        var i = 0, line = 1, column = 1

        func advance() {
            if chars[i] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += 1
        }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < chars.count ? chars[i + offset] : nil }
        /// The text up to the closing `quote` (a doubled quote stands for one), the opening one at `i`.
        func quoted(_ quote: Unicode.Scalar, unclosed: String, _ start: SourcePosition) throws -> String {
            advance()
            var value = ""
            while true {
                guard i < chars.count else { throw SQLError(unclosed, at: start) }
                if chars[i] == quote {
                    advance()
                    guard peek() == quote else { return value }
                }
                value.unicodeScalars.append(chars[i])
                advance()
            }
        }

        while i < chars.count {
            let c = chars[i]
            let start = SourcePosition(line: line, column: column)
            if c.properties.isWhitespace {
                advance()
            } else if c == "-" && peek(1) == "-" {
                while i < chars.count && chars[i] != "\n" { advance() }
            } else if c == "/" && peek(1) == "*" {
                advance()
                advance()
                while i < chars.count && !(chars[i] == "*" && peek(1) == "/") { advance() }
                guard i < chars.count else { throw SQLError("a /* comment is not closed", at: start) }
                advance()
                advance()
            } else if c == "'" {
                tokens.append(SQLToken(.string(try quoted("'", unclosed: "a string literal is not closed (a ' is missing)", start)), at: start))
            } else if c == "`" {
                let value = try quoted("`", unclosed: "a `quoted` identifier is not closed", start)
                guard !value.isEmpty else { throw SQLError("an identifier cannot be empty", at: start) }
                tokens.append(SQLToken(.quotedIdentifier(value), at: start))
            } else if isDigit(c) || (c == "." && peek(1).map(isDigit) == true) {
                var value = ""
                while let d = peek(), isDigit(d) {
                    value.unicodeScalars.append(d)
                    advance()
                }
                if peek() == ".", let next = peek(1), isDigit(next) || value.isEmpty || !isLetter(next) {
                    value.unicodeScalars.append(".")
                    advance()
                    while let d = peek(), isDigit(d) {
                        value.unicodeScalars.append(d)
                        advance()
                    }
                }
                if let e = peek(), e == "e" || e == "E", let next = peek(1),
                    isDigit(next) || ((next == "+" || next == "-") && peek(2).map(isDigit) == true)
                {
                    value.unicodeScalars.append(e)
                    advance()
                    if peek() == "+" || peek() == "-", let sign = peek() {
                        value.unicodeScalars.append(sign)
                        advance()
                    }
                    while let d = peek(), isDigit(d) {
                        value.unicodeScalars.append(d)
                        advance()
                    }
                }
                if let after = peek(), isLetter(after) {
                    throw SQLError("a number runs into a word ('\(value)\(after)')", at: start)
                }
                tokens.append(SQLToken(.number(value), at: start))
            } else if isLetter(c) || c == "_" {
                var value = ""
                while let d = peek(), isLetter(d) || isDigit(d) || d == "_" || d == "$" {
                    value.unicodeScalars.append(d)
                    advance()
                }
                tokens.append(SQLToken(.word(value), at: start))
            } else {
                let two = peek(1).map { String(c) + String($0) }
                if let two, ["<>", "!=", "<=", ">=", "||"].contains(two) {
                    advance()
                    advance()
                    tokens.append(SQLToken(.symbol(two), at: start))
                } else if "(),.;*+-/%=<>[]".unicodeScalars.contains(c) {
                    advance()
                    tokens.append(SQLToken(.symbol(String(c)), at: start))
                } else {
                    throw SQLError("unexpected character '\(c)'", at: start)
                }
            }
        }
        tokens.append(SQLToken(.end, at: SourcePosition(line: line, column: column)))
        return tokens
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    static func isLetter(_ c: Unicode.Scalar) -> Bool { c.properties.isAlphabetic }
}
