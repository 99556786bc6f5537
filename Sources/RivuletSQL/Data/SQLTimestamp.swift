// TIMESTAMP values: epoch milliseconds, read from and written as text.

/// Conversions between TIMESTAMP(3) values (milliseconds since 1970-01-01 00:00:00, in UTC
/// for TIMESTAMP_LTZ and with no time zone for TIMESTAMP) and their text forms.
public enum SQLTimestamp {
    /// Days since 1970-01-01 of a civil date (proleptic Gregorian, Howard Hinnant's algorithm).
    @inlinable
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
        text.withUnsafeBufferPointer { parse($0) }
    }

    /// Reads fixed-width digits and separators from a buffer (no closures over mutable state:
    /// this runs for every timestamp a file holds).
    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var end: Int

        mutating func digits(_ width: Int) -> Int64? {
            guard i + width <= end else { return nil }
            var v: Int64 = 0
            for k in i..<(i + width) {
                let c = bytes[k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += width
            return v
        }

        mutating func take(_ c: UInt8) -> Bool {
            guard i < end, bytes[i] == c else { return false }
            i += 1
            return true
        }

        var atEnd: Bool { i == end }
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var end = bytes.count
        while end > 0 && (bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "Z")) { end -= 1 }
        var c = Cursor(bytes: bytes, end: end)
        guard let year = c.digits(4), c.take(UInt8(ascii: "-")), let month = c.digits(2), (1...12).contains(month), c.take(UInt8(ascii: "-")),
            let day = c.digits(2), (1...31).contains(day)
        else { return nil }
        var millis = days(year: year, month: month, day: day) * 86_400_000
        if c.atEnd { return millis }
        guard c.take(UInt8(ascii: " ")) || c.take(UInt8(ascii: "T")), let hour = c.digits(2), hour < 24, c.take(UInt8(ascii: ":")),
            let minute = c.digits(2), minute < 60
        else { return nil }
        millis += hour * 3_600_000 + minute * 60_000
        if c.atEnd { return millis }
        guard c.take(UInt8(ascii: ":")), let second = c.digits(2), second < 60 else { return nil }
        millis += second * 1000
        if c.atEnd { return millis }
        guard c.take(UInt8(ascii: ".")), !c.atEnd else { return nil }
        var scale: Int64 = 100
        var fraction: Int64 = 0
        while !c.atEnd {
            let d = bytes[c.i]
            guard d >= 48 && d <= 57 else { return nil }
            fraction += Int64(d - 48) * scale
            scale /= 10
            c.i += 1
        }
        return millis + fraction
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
