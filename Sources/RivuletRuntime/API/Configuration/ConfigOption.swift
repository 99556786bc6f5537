// One configuration key: its name, value type, default and meaning, declared once by the area that reads it.

/// A typed configuration key (Flink's `ConfigOption<T>`). Each area declares its keys in an
/// options enum (`CheckpointingOptions`, `NetworkOptions`, `ClusterOptions`, ...) and reads
/// them with `configuration[option]`; the text a user writes is parsed and checked once, when
/// the `Configuration` is built.
public struct ConfigOption<Value: Sendable>: Sendable {
    /// The flat, Flink-style key (`execution.checkpointing.interval`).
    public let key: String
    /// The value when the key is not set.
    public let defaultValue: Value
    /// What the key does, one sentence (the configuration reference shows it).
    public let description: String
    /// The kind of value, as the configuration reference names it (`duration`, `integer 1-1024`).
    public let typeName: String
    /// The default as a user would write it.
    public let defaultText: String
    /// Parses a trimmed value; the error names what a good value looks like.
    let parse: @Sendable (String) -> Result<Value, ConfigValueProblem>
    /// The canonical spelling of a parsed value (lower case for a choice).
    let format: @Sendable (Value) -> String

    /// A key whose values are parsed by `parse` and written back by `format`.
    public init(
        _ key: String, default defaultValue: Value, defaultText: String, typeName: String,
        description: String, parse: @escaping @Sendable (String) -> Result<Value, ConfigValueProblem>,
        format: @escaping @Sendable (Value) -> String
    ) {
        self.key = key
        self.defaultValue = defaultValue
        self.defaultText = defaultText
        self.typeName = typeName
        self.description = description
        self.parse = parse
        self.format = format
    }

    /// The type-erased form the schema, the loader and the generated reference use.
    public var erased: AnyConfigOption {
        let parse = self.parse, format = self.format
        return AnyConfigOption(key: key, defaultText: defaultText, typeName: typeName, description: description) { text in
            parse(text).map(format)
        }
    }
}

/// Why a value does not fit its key: "must be a whole number from 1 to 64".
public struct ConfigValueProblem: Error, Sendable {
    public let requirement: String
    public init(_ requirement: String) { self.requirement = requirement }
}

/// A configuration key without its value type: what validation and the docs need.
public struct AnyConfigOption: Sendable {
    public let key: String
    public let defaultText: String
    public let typeName: String
    public let description: String
    /// The canonical text of a valid value, or what is wrong with it.
    let normalize: @Sendable (String) -> Result<String, ConfigValueProblem>
}

/// The keys one area owns, with a title for the configuration reference.
public protocol ConfigOptionGroup {
    /// The section's title in the configuration reference ("Checkpointing").
    static var title: String { get }
    /// Every key of the area, in the order the reference lists them.
    static var options: [AnyConfigOption] { get }
}

// MARK: - Common kinds of value

extension ConfigOption where Value == Int {
    /// A whole number in `range`.
    public static func integer(_ key: String, default value: Int, in range: ClosedRange<Int>, _ description: String) -> Self {
        let requirement =
            range.upperBound == Int.max
            ? "must be a whole number, \(range.lowerBound) or more"
            : "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
        let typeName = range.upperBound == Int.max ? "integer >= \(range.lowerBound)" : "integer \(range.lowerBound)-\(range.upperBound)"
        return Self(
            key, default: value, defaultText: String(value), typeName: typeName, description: description,
            parse: { text in
                guard let n = Int(text), range.contains(n) else { return .failure(ConfigValueProblem(requirement)) }
                return .success(n)
            }, format: { String($0) })
    }

    /// A TCP port; 0 picks any free port.
    public static func port(_ key: String, default value: Int, _ description: String) -> Self {
        Self(
            key, default: value, defaultText: String(value), typeName: "port", description: description,
            parse: { text in
                guard let n = Int(text), (0...65535).contains(n) else {
                    return .failure(ConfigValueProblem("must be a port number from 0 to 65535"))
                }
                return .success(n)
            }, format: { String($0) })
    }

    /// A size in bytes, written `64 mb`, `512 kb`, `1 gb` or as a bare number of bytes.
    public static func bytes(_ key: String, default text: String, _ description: String) -> Self {
        Self(
            key, default: Configuration.parseBytes(text) ?? 0, defaultText: text, typeName: "size", description: description,
            parse: { text in
                guard let n = Configuration.parseBytes(text) else {
                    return .failure(ConfigValueProblem("must be a size such as 64 mb, 512 kb or 1 gb"))
                }
                return .success(n)
            }, format: { Configuration.formatBytes($0) })
    }
}

extension ConfigOption where Value == Duration {
    /// A duration, written `200 ms`, `5 s`, `1 min`, `2 h` or as a bare number of milliseconds.
    public static func duration(_ key: String, default text: String, _ description: String) -> Self {
        Self(
            key, default: .milliseconds(Configuration.parseDurationMillis(text) ?? 0), defaultText: text,
            typeName: "duration", description: description,
            parse: { text in
                guard let millis = Configuration.parseDurationMillis(text) else {
                    return .failure(ConfigValueProblem("must be a duration such as 200 ms, 5 s or 1 min"))
                }
                return .success(.milliseconds(millis))
            }, format: { "\($0.milliseconds) ms" })
    }
}

extension ConfigOption where Value == Bool {
    /// `true` or `false`.
    public static func boolean(_ key: String, default value: Bool, _ description: String) -> Self {
        Self(
            key, default: value, defaultText: String(value), typeName: "boolean", description: description,
            parse: { text in
                switch text.lowercased() {
                case "true": return .success(true)
                case "false": return .success(false)
                default: return .failure(ConfigValueProblem("must be true or false"))
                }
            }, format: { String($0) })
    }
}

extension ConfigOption where Value == String {
    /// Free text; `check` returns what is wrong with a value, nil when it is fine.
    public static func text(
        _ key: String, default value: String, _ description: String,
        check: @escaping @Sendable (String) -> String? = { _ in nil }
    ) -> Self {
        Self(
            key, default: value, defaultText: value, typeName: "string", description: description,
            parse: { text in
                if let problem = check(text) { return .failure(ConfigValueProblem(problem)) }
                return .success(text)
            }, format: { $0 })
    }
}

extension ConfigOption where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of an enum's raw values, compared without case; `aliases` map other spellings
    /// (Flink's `hashmap` for `heap`).
    public static func choice(_ key: String, default value: Value, aliases: [String: Value] = [:], _ description: String) -> Self {
        let names = Value.allCases.map(\.rawValue)
        let spelled = names.filter { !$0.isEmpty }.joined(separator: ", ")
        return Self(
            key, default: value, defaultText: value.rawValue, typeName: "one of: \(spelled)", description: description,
            parse: { text in
                let lower = text.lowercased()
                if let v = Value(rawValue: lower) ?? aliases[lower] { return .success(v) }
                return .failure(ConfigValueProblem("must be one of \(spelled)"))
            }, format: { $0.rawValue })
    }
}
