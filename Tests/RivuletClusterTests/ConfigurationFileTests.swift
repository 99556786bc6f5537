// conf/rivulet.yaml documents every key, and the YAML loader names bad keys and values.

import Foundation
import Rivulet
import RivuletCluster
import XCTest

final class ConfigurationFileTests: XCTestCase {
    func testShippedConfigurationDocumentsEveryKeyAndLoads() throws {
        let path = ClusterFixture.root.appendingPathComponent("conf/rivulet.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for option in Configuration.options {
            XCTAssertTrue(text.contains("\(option.key): "), "conf/rivulet.yaml does not document \(option.key)")
        }
        let configuration = try ConfigurationLoader.load(file: path, overrides: [:], environment: [:])
        XCTAssertEqual(configuration.int("taskmanager.numberOfTaskSlots"), 2)
    }

    func testLoaderAppliesEnvironmentAndOverridesAndNamesBadKeys() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "rest.port: 9000\nheartbeat:\n  interval: 2 s\n".write(to: file, atomically: true, encoding: .utf8)
        let c = try ConfigurationLoader.load(file: file.path, overrides: ["rest.port": "9100"],
                                             environment: ["RIVULET_PROPERTIES": "heartbeat.timeout=9 s\n"])
        XCTAssertEqual(c.int("rest.port"), 9100)
        XCTAssertEqual(c.millis("heartbeat.interval"), 2000)
        XCTAssertEqual(c.millis("heartbeat.timeout"), 9000)
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
