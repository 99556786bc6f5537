// A job's or a process's configuration: the keys a user set, checked against the known options, read typed.

import Foundation

/// A bad configuration key or value, named in the message.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Flink-style flat configuration: the keys set by a user (`-D key=value`, `conf/rivulet.yaml`,
/// `env.set`) over the defaults of the options that declare them. Every key and value is
/// checked when the configuration is built, so reading one (`configuration[option]`) cannot
/// fail; unknown keys and bad values throw a `ConfigurationError` that names the key.
public struct Configuration: Sendable {
    /// The keys that were set, each in its canonical spelling; defaults are not listed.
    public private(set) var values: [String: String]
    /// The options this configuration accepts.
    public let schema: ConfigurationSchema

    /// `overrides` over the defaults of `schema`; unknown keys and bad values throw, naming the key.
    public init(_ overrides: [String: String] = [:], schema: ConfigurationSchema = .engine) throws {
        var values: [String: String] = [:]
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let option = schema.option(forKey: key) else {
                throw ConfigurationError("unknown configuration key '\(key)'")
            }
            switch option.normalize(value.trimmingCharacters(in: .whitespaces)) {
            case .success(let canonical):
                values[key] = canonical
            case .failure(let problem):
                throw ConfigurationError("bad value '\(value)' for configuration key '\(key)': \(problem.requirement)")
            }
        }
        self.values = values
        self.schema = schema
    }

    /// The defaults of every engine key.
    public static var defaults: Configuration {
        // No overrides: nothing can be invalid.
        (try? Configuration([:])) ?? { preconditionFailure("defaults must be valid") }()
    }

    /// The value of `option`: what was set, else its default.
    public subscript<Value>(option: ConfigOption<Value>) -> Value {
        guard let text = values[option.key], case .success(let value) = option.parse(text) else { return option.defaultValue }
        return value
    }

    /// This configuration with `key` set to `value` (checked like `-D key=value`).
    public func setting(_ key: String, to value: String) throws -> Configuration {
        var overrides = values
        overrides[key] = value
        return try Configuration(overrides, schema: schema)
    }

    /// This configuration with `option` set to `value`.
    public func setting<Value>(_ option: ConfigOption<Value>, to value: Value) throws -> Configuration {
        try setting(option.key, to: option.format(value))
    }

    /// Parses `64 mb`, `512kb`, `1 gb` or a bare number of bytes.
    public static func parseBytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        let factor: Int
        switch t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "", "b", "bytes": factor = 1
        case "k", "kb", "kib": factor = 1 << 10
        case "m", "mb", "mib": factor = 1 << 20
        case "g", "gb", "gib": factor = 1 << 30
        default: return nil
        }
        let (bytes, overflowed) = n.multipliedReportingOverflow(by: factor)
        return overflowed ? nil : bytes
    }

    /// The shortest exact spelling of a size: `32 kb`, `1 gb`, `1000 b`.
    public static func formatBytes(_ bytes: Int) -> String {
        for (unit, shift) in [("gb", 30), ("mb", 20), ("kb", 10)] where bytes != 0 && bytes % (1 << shift) == 0 {
            return "\(bytes >> shift) \(unit)"
        }
        return "\(bytes) b"
    }

    /// Parses `200 ms`, `200ms`, `5 s`, `5s`, `1 min`, `2 h` or a bare number of milliseconds.
    public static func parseDurationMillis(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isNumber }
        guard !digits.isEmpty, let n = Int64(digits) else { return nil }
        let factor: Int64
        switch t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "", "ms", "milli", "millis", "milliseconds": factor = 1
        case "s", "sec", "secs", "second", "seconds": factor = 1000
        case "min", "mins", "minute", "minutes": factor = 60_000
        case "h", "hour", "hours": factor = 3_600_000
        default: return nil
        }
        let (millis, overflow) = n.multipliedReportingOverflow(by: factor)
        return overflow ? nil : millis
    }
}
