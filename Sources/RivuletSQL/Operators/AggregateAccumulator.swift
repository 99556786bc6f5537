// The running state of one aggregate call for one group.

import RivuletCore

/// What one aggregate call has seen for one group: the count and sum of its values and the
/// smallest or largest. (The values a DISTINCT call has seen are in map state beside it.)
public struct AggregateAccumulator: Sendable, Hashable, BinaryCodable {
    var count: Int64 = 0
    var sum: ScalarValue = .null
    var extreme: ScalarValue = .null

    init() {}

    /// Adds `value` (nil: `COUNT(*)`'s row). NULL values are ignored, as SQL's aggregates do.
    mutating func add(_ value: ScalarValue?, _ call: AggregateCall) throws {
        guard let value else {
            count += 1
            return
        }
        if value == .null { return }
        count += 1
        switch call.function {
        case .count: break
        case .sum, .avg: sum = try Self.plus(sum, value, type: call.argumentType)
        case .min: if extreme == .null || value.less(than: extreme) { extreme = value }
        case .max: if extreme == .null || extreme.less(than: value) { extreme = value }
        }
    }

    /// Takes back `value` (a retracted row of an updating input): COUNT, SUM and AVG only.
    mutating func retract(_ value: ScalarValue?, _ call: AggregateCall) throws {
        guard let value else {
            count -= 1
            return
        }
        if value == .null { return }
        count -= 1
        switch call.function {
        case .count: break
        case .sum, .avg: sum = try Self.plus(sum, Self.negated(value), type: call.argumentType)
        case .min, .max: throw SQLRuntimeError("\(call.function.rawValue) cannot take back a retracted row")
        }
        if count == 0 { sum = .null }
    }

    static func negated(_ value: ScalarValue) -> ScalarValue {
        switch value {
        case .int(let x): return .int(0 &- x)
        case .double(let x): return .double(-x)
        default: return value
        }
    }

    static func plus(_ a: ScalarValue, _ b: ScalarValue, type: SQLDataType) throws -> ScalarValue {
        switch (a, b) {
        case (.null, _): return b
        case (.int(let x), .int(let y)):
            if case .decimal = type {
                let (s, o) = x.addingReportingOverflow(y)
                if o { throw SQLRuntimeError("a DECIMAL SUM needs more than 18 digits, the most Rivulet keeps") }
                return .int(s)
            }
            return .int(x &+ y)
        case (.double(let x), .double(let y)): return .double(x + y)
        default: return a
        }
    }

    /// The call's result.
    func result(_ call: AggregateCall) -> ScalarValue {
        switch call.function {
        case .count: return .int(count)
        case .sum: return count == 0 ? .null : sum
        case .min, .max: return extreme
        case .avg:
            guard count > 0 else { return .null }
            switch sum {
            case .double(let d): return .double(d / Double(count))
            case .int(let s):
                if case .decimal(_, let resultScale) = call.resultType {
                    // Rescale to the result's scale, then divide rounding half up.
                    var n = Int128(s)
                    for _ in 0..<max(resultScale - call.argumentType.scale, 0) { n *= 10 }
                    let d = Int128(count)
                    var q = n / d
                    if (n % d).magnitude * 2 >= d.magnitude { q += n < 0 ? -1 : 1 }
                    return Int64(exactly: q).map { .int($0) } ?? .null
                }
                return .int(s / count)
            default: return .null
            }
        }
    }

    public func encode(to writer: inout BinaryWriter) {
        writer.writeVarInt(count)
        sum.encode(to: &writer)
        extreme.encode(to: &writer)
    }

    public init(from reader: inout BinaryReader) throws {
        count = try reader.readVarInt()
        sum = try ScalarValue(from: &reader)
        extreme = try ScalarValue(from: &reader)
    }
}
