// Reads the comma-separated fields of one line of a Nexmark CSV file, in place.

import Glibc

/// A bad line of a Nexmark CSV file: which table, which field, and why.
public struct NexmarkFormatError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Walks the fields of one line without copying it. Nexmark's text values never contain a
/// comma (letters, spaces, digits, '@', '.', '/', '?', '&', '=', '_'), so fields are
/// unquoted; the last field is the rest of the line.
@usableFromInline
struct CSVFields {
    @usableFromInline let line: UnsafeBufferPointer<UInt8>
    @usableFromInline let table: StaticString
    @usableFromInline var position = 0

    @inlinable
    init(_ line: UnsafeBufferPointer<UInt8>, table: StaticString) {
        self.line = line
        self.table = table
    }

    /// The bytes of the next field named `name`.
    @inlinable
    mutating func next(_ name: StaticString, last: Bool = false) throws -> UnsafeBufferPointer<UInt8> {
        guard position <= line.count else {
            throw NexmarkFormatError("\(table) row has too few fields: '\(name)' is missing")
        }
        let start = position
        var end = start
        if last {
            end = line.count
        } else {
            if let base = line.baseAddress, start < line.count, let comma = memchr(base + start, Int32(UInt8(ascii: ",")), line.count - start) {
                end = base.distance(to: comma.assumingMemoryBound(to: UInt8.self))
            } else {
                end = line.count
            }
            guard end < line.count else {
                throw NexmarkFormatError("\(table) row has too few fields: nothing after '\(name)'")
            }
        }
        position = end + 1
        return UnsafeBufferPointer(rebasing: line[start..<end])
    }

    @inlinable
    mutating func int64(_ name: StaticString) throws -> Int64 {
        let field = try next(name)
        var value: Int64 = 0
        var i = 0
        let negative = field.first == UInt8(ascii: "-")
        if negative { i = 1 }
        guard i < field.count else { throw invalid(name, field, "is not a whole number") }
        while i < field.count {
            let d = field[i] &- UInt8(ascii: "0")
            guard d < 10 else { throw invalid(name, field, "is not a whole number") }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { throw invalid(name, field, "does not fit 64 bits") }
            value = sum
            i += 1
        }
        return negative ? -value : value
    }

    /// The field as a string; "" without `keep` (the field is still required).
    @inlinable
    mutating func string(_ name: StaticString, last: Bool = false, keep: Bool = true) throws -> String {
        let field = try next(name, last: last)
        return keep ? String(decoding: field, as: UTF8.self) : ""
    }

    @inlinable
    mutating func timestamp(_ name: StaticString) throws -> Int64 {
        let field = try next(name)
        guard let millis = NexmarkTime.parse(field) else {
            throw invalid(name, field, "is not a timestamp 'yyyy-MM-dd HH:mm:ss.SSS'")
        }
        return millis
    }

    @usableFromInline
    func invalid(_ name: StaticString, _ field: UnsafeBufferPointer<UInt8>, _ problem: String) -> NexmarkFormatError {
        NexmarkFormatError("\(table) field '\(name)' \(problem): '\(String(decoding: field.prefix(64), as: UTF8.self))'")
    }
}
