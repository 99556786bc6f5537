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

    func run() throws {
        print(markdown ? ConfigurationReference.markdown(.cluster) : ConfigurationReference.yaml(.cluster), terminator: "")
    }
}
