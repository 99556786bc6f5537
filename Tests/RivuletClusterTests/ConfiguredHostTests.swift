// Configured hosts: literals recognised, names resolved by the system resolver, and a name
// that does not resolve an error that names the key and the name.

import Rivulet
import XCTest

@testable import RivuletCluster

final class ConfiguredHostTests: XCTestCase {
    func testLiteralsAndNames() {
        XCTAssertEqual(ConfiguredHost("10.0.0.7"), .ipv4("10.0.0.7"))
        XCTAssertEqual(ConfiguredHost("::1"), .ipv6("::1"))
        XCTAssertEqual(ConfiguredHost("[fd00::5]"), .ipv6("fd00::5"))
        XCTAssertEqual(ConfiguredHost("jobmanager-1"), .name("jobmanager-1"))
        XCTAssertEqual(ConfiguredHost("::1").with(port: 6123), "[::1]:6123")
        XCTAssertEqual(ConfiguredHost("jobmanager-1").with(port: 6123), "jobmanager-1:6123")
    }

    func testNamesResolveThroughTheSystemResolver() throws {
        // /etc/hosts maps localhost to 127.0.0.1 (and may map it to ::1 as well).
        let resolved = try ConfiguredHost("localhost").resolved(key: "taskmanager.host")
        XCTAssertTrue([ConfiguredHost.ipv4("127.0.0.1"), .ipv6("::1")].contains(resolved), "\(resolved)")
        XCTAssertEqual(try ConfiguredHost("127.0.0.1").resolved(key: "k"), .ipv4("127.0.0.1"), "a literal stays as it is")
    }

    func testANameThatDoesNotResolveNamesTheKeyAndTheName() {
        // .invalid never resolves (RFC 6761).
        XCTAssertThrowsError(try ConfiguredHost("no-such-jobmanager.invalid").resolved(key: "jobmanager.bind-host")) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("'no-such-jobmanager.invalid'") && message.contains("jobmanager.bind-host"), message)
        }
        XCTAssertThrowsError(try RPCEndpoint(host: "no-such-taskmanager.invalid", port: 1, key: "taskmanager.host")) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("'no-such-taskmanager.invalid'") && message.contains("taskmanager.host"), message)
        }
    }

    func testQuorumHostsAreTheServersNames() throws {
        var settings = try XCTUnwrap(
            HighAvailabilitySettings.from(
                try Configuration(["high-availability.type": "zookeeper", "high-availability.storageDir": "/tmp/ha"], schema: .cluster)))
        settings.quorum = "zk-1:2181,[fd00::3]:2181, 10.0.0.4:2181,zk-5/rivulet"
        XCTAssertEqual(settings.quorumHosts, ["zk-1", "fd00::3", "10.0.0.4", "zk-5"])
    }
}
