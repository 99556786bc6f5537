// The set of keys a configuration accepts, grouped by the area that owns them.

/// The options a `Configuration` accepts, grouped as the configuration reference shows them.
/// The engine's schema (`.engine`) holds the keys a job reads; the cluster module extends it
/// with the keys of JobManagers, TaskManagers and high availability.
public struct ConfigurationSchema: Sendable {
    /// One section of the reference: a title and its keys.
    public struct Group: Sendable {
        public let title: String
        public let options: [AnyConfigOption]
    }

    /// The sections, in reference order.
    public let groups: [Group]
    private let byKey: [String: AnyConfigOption]

    /// The keys of `groups`; a key declared twice is a programming error.
    public init(_ groups: [any ConfigOptionGroup.Type]) {
        self.init(groups: groups.map { Group(title: $0.title, options: $0.options) })
    }

    private init(groups: [Group]) {
        self.groups = groups
        var byKey: [String: AnyConfigOption] = [:]
        for option in groups.flatMap(\.options) {
            precondition(byKey[option.key] == nil, "configuration key '\(option.key)' is declared twice")
            byKey[option.key] = option
        }
        self.byKey = byKey
    }

    /// This schema followed by the keys of `groups`.
    public func adding(_ groups: [any ConfigOptionGroup.Type]) -> ConfigurationSchema {
        ConfigurationSchema(groups: self.groups + groups.map { Group(title: $0.title, options: $0.options) })
    }

    /// Every key, in reference order.
    public var options: [AnyConfigOption] { groups.flatMap(\.options) }

    /// The option declaring `key`, if any.
    public func option(forKey key: String) -> AnyConfigOption? { byKey[key] }

    /// The keys every job reads: pipeline, network, checkpointing, state backends, restarts.
    public static let engine = ConfigurationSchema([
        PipelineOptions.self, NetworkOptions.self, CheckpointingOptions.self, StateBackendOptions.self, RestartStrategyOptions.self,
    ])
}
