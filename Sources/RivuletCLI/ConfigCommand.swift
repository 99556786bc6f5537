// `rivulet config`: prints every configuration key with its default and meaning, as YAML or Markdown.

import ArgumentParser
import Foundation
import Rivulet
import RivuletCluster

/// Prints the documented defaults (conf/rivulet.yaml and docs/configuration.md are generated from this).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print every configuration key with its default, as commented YAML (or the Markdown reference).")

    @Flag(help: "Print the Markdown configuration reference (docs/configuration.md) instead of YAML.")
    var markdown = false

    @Option(name: .customShort("D"), help: "Write this key set, not commented out: -D key=value (checked like any setting).")
    var properties: [String] = []

    func run() throws {
        if markdown {
            print(ConfigurationReference.markdown(.cluster), terminator: "")
            return
        }
        var values: [String: String] = [:]
        for property in properties {
            let (key, value) = try ConfigurationLoader.parseProperty(property)
            values[key] = value
        }
        print(ConfigurationReference.yaml(try Configuration(values, schema: .cluster)), terminator: "")
    }
}
