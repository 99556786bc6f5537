// Reads conf/rivulet.yaml (flat Flink-style keys) and merges -D overrides and the environment.

import Foundation
import RivuletRuntime
import Yams

/// Loads a cluster process's configuration: the YAML file, then `RIVULET_CONF_<key>`
/// environment variables (dots and dashes as underscores are not guessed: the variable
/// `RIVULET_PROPERTIES` holds `key=value` lines), then `-D key=value` options. Unknown keys
/// and bad values fail at start with the key named.
public enum ConfigurationLoader {
    /// The key/value pairs of a flat YAML mapping; nested mappings are flattened with dots.
    public static func parseYAML(_ text: String, origin: String) throws -> [String: String] {
        let node: Any?
        do {
            node = try Yams.load(yaml: text)
        } catch {
            throw ConfigurationError("\(origin) is not valid YAML: \(error)")
        }
        guard let node else { return [:] }
        guard let mapping = node as? [String: Any] else {
            throw ConfigurationError("\(origin) must be a mapping of configuration keys to values")
        }
        var result: [String: String] = [:]
        func flatten(_ prefix: String, _ value: Any) throws {
            switch value {
            case let nested as [String: Any]:
                for (k, v) in nested { try flatten(prefix.isEmpty ? k : "\(prefix).\(k)", v) }
            case let list as [Any]:
                result[prefix] = list.map { "\($0)" }.joined(separator: ",")
            case is NSNull:
                break
            default:
                result[prefix] = "\(value)"
            }
        }
        for (k, v) in mapping { try flatten(k, v) }
        return result
    }

    /// The configuration of a process: `file` (if it exists), then environment, then overrides.
    public static func load(
        file: String?, overrides: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Configuration {
        var values: [String: String] = [:]
        if let file {
            if FileManager.default.fileExists(atPath: file) {
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    throw ConfigurationError("cannot read configuration file '\(file)'")
                }
                for (k, v) in try parseYAML(text, origin: "configuration file '\(file)'") { values[k] = v }
            }
        }
        if let properties = environment["RIVULET_PROPERTIES"] {
            for line in properties.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let (k, v) = try parseProperty(String(line))
                values[k] = v
            }
        }
        for (k, v) in overrides { values[k] = v }
        return try Configuration(values, schema: .cluster)
    }

    /// Splits `key=value`.
    public static func parseProperty(_ text: String) throws -> (String, String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ConfigurationError("-D expects key=value, got '\(text)'")
        }
        return (String(text[..<eq]).trimmingCharacters(in: .whitespaces), String(text[text.index(after: eq)...]).trimmingCharacters(in: .whitespaces))
    }
}
