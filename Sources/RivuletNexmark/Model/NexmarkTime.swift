// Nexmark's timestamps: epoch milliseconds in records, "yyyy-MM-dd HH:mm:ss.SSS" (UTC,
// zone-less, Flink's SQL timestamp form) in the CSV files.

import RivuletSQL

/// Converts between epoch milliseconds and the text form of the Nexmark files.
public enum NexmarkTime {
    /// 2026-01-01 00:00:00.000 UTC: the first event's time in the generator and the files.
    public static let epochMillis: Int64 = 1_767_225_600_000

    /// `millis` as "yyyy-MM-dd HH:mm:ss.SSS" in UTC.
    public static func format(_ millis: Int64) -> String {
        let days = floorDivide(millis, 86_400_000)
        var ms = millis - days * 86_400_000
        let (year, month, day) = civil(fromDays: days)
        let hour = ms / 3_600_000
        ms -= hour * 3_600_000
        let minute = ms / 60_000
        ms -= minute * 60_000
        let second = ms / 1000
        ms -= second * 1000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        func put(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(v / divisor))
                v %= divisor
                divisor /= 10
            }
        }
        put(year, 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, 2)
        bytes.append(UInt8(ascii: " "))
        put(hour, 2)
        bytes.append(UInt8(ascii: ":"))
        put(minute, 2)
        bytes.append(UInt8(ascii: ":"))
        put(second, 2)
        bytes.append(UInt8(ascii: "."))
        put(ms, 3)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses "yyyy-MM-dd HH:mm:ss.SSS" (or without ".SSS") as UTC; nil when it is not that form.
    @inlinable
    public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard text.count == 23 || text.count == 19 else { return nil }
        @inline(__always) func digits(_ at: Int, _ n: Int) -> Int64? {
            var v: Int64 = 0
            for i in at..<(at + n) {
                let d = text[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int64(d)
            }
            return v
        }
        guard text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: " "),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if text.count == 23 {
            guard text[19] == UInt8(ascii: "."), let ms = digits(20, 3) else { return nil }
            millis = ms
        }
        return days(fromCivil: year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (the SQL layer's calendar).
    @inlinable
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        SQLTimestamp.days(year: year, month: month, day: day)
    }

    /// The date of a day number (the inverse of `days(fromCivil:)`).
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        SQLTimestamp.civil(days: days)
    }

    @inlinable
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a - b + 1) / b
    }
}
