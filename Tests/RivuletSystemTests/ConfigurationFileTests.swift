// conf/rivulet.yaml documents every key, and the YAML loader names bad keys and values.

import Foundation
import Rivulet
import RivuletCluster
import XCTest
import RivuletTesting

final class ConfigurationFileTests: XCTestCase {
    func testShippedConfigurationDocumentsEveryKeyAndLoads() throws {
        let path = TestProcess.repositoryRoot.appendingPathComponent("conf/rivulet.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Exactly what `rivulet config` writes with the keys the file sets: every key documented,
        // no key or description stale.
        let set = try Configuration(ConfigurationLoader.parseYAML(text, origin: path), schema: .cluster)
        XCTAssertEqual(
            text, ConfigurationReference.yaml(set), "conf/rivulet.yaml differs from the options; regenerate it with the command on its fourth line")
        let configuration = try ConfigurationLoader.load(file: path, overrides: [:], environment: [:])
        XCTAssertEqual(configuration[ClusterOptions.numberOfTaskSlots], 2)
    }

    func testConfigurationReferenceIsGeneratedFromTheOptions() throws {
        let path = TestProcess.repositoryRoot.appendingPathComponent("docs/configuration.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(
            text, ConfigurationReference.markdown(.cluster),
            "docs/configuration.md differs from the options; regenerate: rivulet config --markdown > docs/configuration.md")
        for option in ConfigurationSchema.cluster.options {
            XCTAssertTrue(text.contains("| `\(option.key)` |"), "the reference lacks \(option.key)")
        }
    }

    func testLoaderAppliesEnvironmentAndOverridesAndNamesBadKeys() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "rest.port: 9000\nheartbeat:\n  interval: 2 s\n".write(to: file, atomically: true, encoding: .utf8)
        let c = try ConfigurationLoader.load(
            file: file.path, overrides: ["rest.port": "9100"],
            environment: ["RIVULET_PROPERTIES": "heartbeat.timeout=9 s\n"])
        XCTAssertEqual(c[ClusterOptions.restPort], 9100)
        XCTAssertEqual(c[ClusterOptions.heartbeatInterval], .seconds(2))
        XCTAssertEqual(c[ClusterOptions.heartbeatTimeout], .seconds(9))
        try "rest.prot: 9000\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigurationLoader.load(file: file.path, overrides: [:], environment: [:])) {
            XCTAssertTrue("\($0)".contains("rest.prot"), "\($0)")
        }
        try "rest.port: 70000\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigurationLoader.load(file: file.path, overrides: [:], environment: [:])) {
            XCTAssertTrue("\($0)".contains("rest.port"), "\($0)")
        }
        try "- a\n- b\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ConfigurationLoader.load(file: file.path, overrides: [:], environment: [:]))
    }
}
