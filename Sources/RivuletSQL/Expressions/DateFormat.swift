// DATE_FORMAT's patterns (Java's SimpleDateFormat letters Flink takes).

/// Formats a timestamp with `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss`, `SSS` (and `yy`, `M`, `d`,
/// `H`); other letters and characters are copied, and text in single quotes is literal.
enum DateFormat {
    static func format(_ millis: Int64, pattern: String) -> String {
        let f = SQLTimestamp.fields(millis)
        var out = ""
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                i += 1
                while i < chars.count && chars[i] != "'" {
                    out.append(chars[i])
                    i += 1
                }
                i += 1
                continue
            }
            var run = 1
            while i + run < chars.count && chars[i + run] == c { run += 1 }
            let value: Int64?
            switch c {
            case "y": value = run == 2 ? f.year % 100 : f.year
            case "M": value = f.month
            case "d": value = f.day
            case "H": value = f.hour
            case "m": value = f.minute
            case "s": value = f.second
            case "S": value = f.millis
            default: value = nil
            }
            if let value {
                out += SQLTimestamp.pad(value, run)
            } else {
                out += String(repeating: c, count: run)
            }
            i += run
        }
        return out
    }
}
