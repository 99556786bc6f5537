// Splits text into words: maximal runs of letters and digits, lower-cased.

/// The word splitter of the word-count examples. A letter is a Unicode scalar of general
/// category L*, a digit one of category Nd.
public enum Tokenizer {
    /// Calls `body` with each word of `line`, in order.
    @inlinable
    public static func forEachWord(in line: String, _ body: (String) throws -> Void) rethrows {
        var line = line
        let ascii = line.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } }
        if ascii {
            try line.withUTF8 { bytes in
                try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { word in
                    var length = 0
                    for byte in bytes {
                        let lower = byte | 0x20
                        if (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                            word[length] = byte >= 0x41 && byte <= 0x5A ? lower : byte
                            length += 1
                        } else if length > 0 {
                            try body(String(decoding: UnsafeBufferPointer(rebasing: word[0..<length]), as: UTF8.self))
                            length = 0
                        }
                    }
                    if length > 0 {
                        try body(String(decoding: UnsafeBufferPointer(rebasing: word[0..<length]), as: UTF8.self))
                    }
                }
            }
        } else {
            var word = String.UnicodeScalarView()
            for scalar in line.unicodeScalars {
                if isWordScalar(scalar) {
                    word.append(scalar)
                } else if !word.isEmpty {
                    try body(String(word).lowercased())
                    word = String.UnicodeScalarView()
                }
            }
            if !word.isEmpty { try body(String(word).lowercased()) }
        }
    }

    /// True for letters (L*) and decimal digits (Nd).
    @inlinable
    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    /// The words of `line` as an array.
    public static func words(_ line: String) -> [String] {
        var result: [String] = []
        forEachWord(in: line) { result.append($0) }
        return result
    }
}
