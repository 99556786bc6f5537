// `rivulet config`: prints every configuration key with its default and meaning, as YAML.

import ArgumentParser
import Foundation
import Rivulet

/// Prints the documented defaults (conf/rivulet.yaml is generated from this).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print every configuration key with its default, as commented YAML.")

    func run() throws {
        print(Self.defaultsYAML(), terminator: "")
    }

    /// `# description` then `key: default` for every key, grouped by the first word.
    static func defaultsYAML() -> String {
        var out = """
        # Rivulet configuration: every key with its default. Lines starting with # are comments;
        # uncomment a key to change it. Override any key with -D key=value on the command line,
        # or with RIVULET_PROPERTIES (key=value lines) in the environment.
        # Regenerate with: rivulet config > conf/rivulet.yaml

        """
        var group = ""
        for option in Configuration.options {
            let first = String(option.key.split(separator: ".").first ?? "")
            if first != group {
                out += "\n# ---- \(first)\n"
                group = first
            }
            out += "\n# \(option.description)\n"
            let value = option.defaultValue.isEmpty ? "\"\"" : option.defaultValue
            out += "# \(option.key): \(value)\n"
        }
        return out
    }
}
