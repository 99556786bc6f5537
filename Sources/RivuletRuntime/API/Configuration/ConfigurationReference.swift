// The configuration reference (docs/configuration.md) and the commented defaults file (conf/rivulet.yaml), generated from the options.

/// Writes what a schema's options declare as a Markdown reference or as commented YAML, so the
/// docs and the shipped configuration file cannot drift from the code (tests compare them).
public enum ConfigurationReference {
    /// The Markdown page: a section per area, a table row per key.
    public static func markdown(_ schema: ConfigurationSchema) -> String {
        var out = """
            # Configuration reference

            Every key Rivulet reads, with its type, default and meaning. Set keys in `conf/rivulet.yaml`
            (flat keys such as `execution.checkpointing.interval: 10 s`, or nested mappings that join
            with dots), in the `RIVULET_PROPERTIES` environment variable (`key=value` lines), or with
            `-D key=value` on any `rivulet` command; later sources win. An unknown key or a bad value
            stops the process at start with an error that names the key.

            Durations are written `200 ms`, `5 s`, `1 min` or `2 h` (a bare number is milliseconds);
            sizes `512 kb`, `64 mb` or `1 gb` (a bare number is bytes).

            Each key is declared once in the code, with its type, default and meaning, by the area that
            reads it (`PipelineOptions`, `NetworkOptions`, `CheckpointingOptions`, `StateBackendOptions`,
            `RestartStrategyOptions`, `ClusterOptions`, `HighAvailabilityOptions`), and read typed:
            `configuration[CheckpointingOptions.interval]` is a `Duration`. This page is generated from
            those declarations (`rivulet config --markdown`); a test fails when it differs from them.

            """
        for group in schema.groups {
            out += "\n## \(group.title)\n\n"
            out += "| key | type | default | meaning |\n|---|---|---|---|\n"
            for option in group.options {
                let value = option.defaultText.isEmpty ? "(none)" : "`\(option.defaultText)`"
                out += "| `\(option.key)` | \(option.typeName) | \(value) | \(escape(option.description)) |\n"
            }
        }
        return out
    }

    /// `# description` then `# key: default` for every key of the configuration's schema, a
    /// section per area; the keys `configuration` sets are written set (`key: value`).
    public static func yaml(_ configuration: Configuration) -> String {
        let set = configuration.values.sorted { $0.key < $1.key }.map { " -D \($0.key)=\($0.value)" }.joined()
        var out = """
            # Rivulet configuration: every key with its default. Lines starting with # are comments;
            # uncomment a key to change it. Override any key with -D key=value on the command line,
            # or with RIVULET_PROPERTIES (key=value lines) in the environment.
            # Regenerate with: rivulet config\(set) > conf/rivulet.yaml

            """
        for group in configuration.schema.groups {
            out += "\n# ---- \(group.title)\n"
            for option in group.options {
                out += "\n# \(option.description)\n"
                if let value = configuration.values[option.key] {
                    out += "\(option.key): \(value)\n"
                } else {
                    out += "# \(option.key): \(option.defaultText.isEmpty ? "\"\"" : option.defaultText)\n"
                }
            }
        }
        return out
    }

    private static func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
