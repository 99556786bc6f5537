// TIMESTAMP values: epoch milliseconds, read from and written as text.

/// Conversions between TIMESTAMP(3) values (milliseconds since 1970-01-01 00:00:00, in UTC
/// for TIMESTAMP_LTZ and with no time zone for TIMESTAMP) and their text forms.
public enum SQLTimestamp {
    /// Days since 1970-01-01 of a civil date (proleptic Gregorian).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    public static func civil(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The fields of a timestamp.
    public static func fields(_ millis: Int64) -> (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64, millis: Int64) {
        let dayMillis: Int64 = 86_400_000
        var days = millis / dayMillis
        var rest = millis % dayMillis
        if rest < 0 {
            rest += dayMillis
            days -= 1
        }
        let (y, m, d) = civil(days: days)
        return (y, m, d, rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000)
    }

    /// Reads `yyyy-MM-dd HH:mm:ss[.fraction]`, `yyyy-MM-ddTHH:mm[:ss[.fraction]]` or
    /// `yyyy-MM-dd`; nil when the text is none of them.
    public static func parse<S: StringProtocol>(_ text: S) -> Int64? { parse(bytes: ArraySlice(text.utf8)) }

    /// `parse` of UTF-8 bytes.
    public static func parse(bytes text: ArraySlice<UInt8>) -> Int64? {
        var digits = Array(text)
        while let last = digits.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "Z") { digits.removeLast() }
        var i = 0
        func number(_ width: Int) -> Int64? {
            guard i + width <= digits.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + width) {
                let c = digits[k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += width
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < digits.count, digits[i] == c.asciiValue else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), (1...12).contains(month), expect("-"),
            let day = number(2), (1...31).contains(day)
        else { return nil }
        var millis = days(year: year, month: month, day: day) * 86_400_000
        if i == digits.count { return millis }
        guard expect(" ") || expect("T"), let hour = number(2), hour < 24, expect(":"), let minute = number(2), minute < 60 else { return nil }
        millis += hour * 3_600_000 + minute * 60_000
        if i == digits.count { return millis }
        guard expect(":"), let second = number(2), second < 60 else { return nil }
        millis += second * 1000
        if i == digits.count { return millis }
        guard expect(".") else { return nil }
        var scale: Int64 = 100
        var fraction: Int64 = 0
        var any = false
        while i < digits.count {
            let c = digits[i]
            guard c >= 48 && c <= 57 else { return nil }
            fraction += Int64(c - 48) * scale
            scale /= 10
            any = true
            i += 1
        }
        return any ? millis + fraction : nil
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `yyyy-MM-dd HH:mm:ss.SSS` (precision 3), or without the fraction for precision 0.
    public static func format(_ millis: Int64, precision: Int = 3) -> String {
        let f = fields(millis)
        var text = "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2)) \(pad(f.hour, 2)):\(pad(f.minute, 2)):\(pad(f.second, 2))"
        if precision > 0 { text += "." + pad(f.millis, 3).prefix(min(precision, 3)) }
        return text
    }

    /// `yyyy-MM-dd HH:mm:ss`, then the fraction of a second without trailing zeros (how
    /// Flink's CSV and JSON formats write timestamps).
    public static func formatSQL(_ millis: Int64) -> String {
        var text = format(millis, precision: 0)
        var fraction = fields(millis).millis
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            text += "." + pad(fraction, digits)
        }
        return text
    }

    /// As Flink's print connector shows it (Java's `LocalDateTime.toString()`):
    /// `yyyy-MM-ddTHH:mm`, then `:ss` unless seconds and fraction are zero, then `.SSS` unless
    /// the fraction is zero.
    public static func formatISO(_ millis: Int64) -> String {
        let f = fields(millis)
        var text = "\(pad(f.year, 4))-\(pad(f.month, 2))-\(pad(f.day, 2))T\(pad(f.hour, 2)):\(pad(f.minute, 2))"
        if f.second != 0 || f.millis != 0 { text += ":\(pad(f.second, 2))" }
        if f.millis != 0 { text += ".\(pad(f.millis, 3))" }
        return text
    }
}
