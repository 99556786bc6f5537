// The error thrown when a window assigner or trigger is configured with an invalid argument.

/// An invalid windowing argument, naming the component, the parameter, its value and the rule it broke.
public struct WindowConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The assigner or trigger being configured, e.g. `TumblingEventTimeWindows`.
    public let component: String
    /// The offending parameter, e.g. `offset`.
    public let parameter: String
    /// The offending value in milliseconds.
    public let value: Int64
    /// The rule the value broke, e.g. `abs(offset) < size (5000 ms)`.
    public let requirement: String

    /// Creates an error for `component` whose `parameter` has the invalid `value` (ms), breaking `requirement`.
    public init(component: String, parameter: String, value: Int64, requirement: String) {
        self.component = component
        self.parameter = parameter
        self.value = value
        self.requirement = requirement
    }

    /// A human-readable explanation, e.g. `TumblingEventTimeWindows: invalid offset 7000 ms; must satisfy abs(offset) < size (5000 ms)`.
    public var description: String {
        "\(component): invalid \(parameter) \(value) ms; must satisfy \(requirement)"
    }
}

extension WindowConfigurationError {
    /// Checks `size > 0`.
    static func checkPositive(_ value: Int64, _ parameter: String, in component: String) throws {
        guard value > 0 else {
            throw WindowConfigurationError(component: component, parameter: parameter, value: value, requirement: "\(parameter) > 0")
        }
    }

    /// Checks `abs(offset) < bound` without overflowing on `Int64.min`.
    static func checkOffset(_ offset: Int64, lessThan bound: Int64, boundName: String, in component: String) throws {
        guard offset.magnitude < bound.magnitude else {
            throw WindowConfigurationError(
                component: component, parameter: "offset", value: offset,
                requirement: "abs(offset) < \(boundName) (\(bound) ms)")
        }
    }
}
