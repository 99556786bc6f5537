// The options a user passed to a job (`--key value` or `--key=value`), checked against its parameters.

/// A job's declared option.
public struct JobParameter: Sendable {
    public let name: String
    public let help: String
    /// Shown in `--list`; nil for options without a default.
    public let defaultValue: String?
    /// The value is a file or directory the job reads or writes: a cluster accepts it only
    /// under `security.allowed-directories`.
    public let isPath: Bool

    public init(_ name: String, help: String, default defaultValue: String? = nil, path isPath: Bool = false) {
        self.name = name
        self.help = help
        self.defaultValue = defaultValue
        self.isPath = isPath
    }
}

/// A bad job option, named in the message.
public struct JobArgumentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Parsed job options with typed getters that name the option when a value is bad.
public struct JobArguments: Sendable {
    public let jobName: String
    public private(set) var values: [String: String]

    /// Parses `--key value` / `--key=value` pairs; every key must be one of `parameters`.
    public init(jobName: String, arguments: [String], parameters: [JobParameter]) throws {
        self.jobName = jobName
        var values: [String: String] = [:]
        let known = Set(parameters.map(\.name))
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            guard arg.hasPrefix("--"), arg.count > 2 else {
                throw JobArgumentError("unexpected argument '\(arg)' for job '\(jobName)'; options look like --name value")
            }
            var key = String(arg.dropFirst(2))
            var value: String
            if let eq = key.firstIndex(of: "=") {
                value = String(key[key.index(after: eq)...])
                key = String(key[..<eq])
            } else {
                guard i + 1 < arguments.count else {
                    throw JobArgumentError("option --\(key) of job '\(jobName)' needs a value")
                }
                i += 1
                value = arguments[i]
            }
            guard known.contains(key) else {
                let list = parameters.map { "--\($0.name)" }.joined(separator: ", ")
                throw JobArgumentError("unknown option --\(key) for job '\(jobName)'" + (list.isEmpty ? "" : " (it takes \(list))"))
            }
            values[key] = value
            i += 1
        }
        self.values = values
    }

    /// Arguments built in code (tests, benchmarks).
    public init(jobName: String, values: [String: String]) {
        self.jobName = jobName
        self.values = values
    }

    /// The raw value of `--name`, or nil.
    public func string(_ name: String) -> String? { values[name] }

    /// `--name` as a whole number within `range`, or `defaultValue` when absent.
    public func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let n = Int(text), range.contains(n) else {
            throw JobArgumentError(
                "option --\(name) of job '\(jobName)' must be a whole number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return n
    }

    /// `--name` as a positive number, or `defaultValue` when absent.
    public func double(_ name: String, default defaultValue: Double?) throws -> Double? {
        guard let text = values[name] else { return defaultValue }
        guard let d = Double(text), d > 0, d.isFinite else {
            throw JobArgumentError("option --\(name) of job '\(jobName)' must be a positive number, got '\(text)'")
        }
        return d
    }
}
