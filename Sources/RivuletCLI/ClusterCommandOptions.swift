// Options shared by the cluster commands: where the configuration is, overrides, the JobManager.

import ArgumentParser
import Foundation
import Rivulet
import RivuletCluster

/// `--conf DIR`, `-D key=value` and `-m host:port`.
struct ClusterCommandOptions: ParsableArguments {
    @Option(
        name: .customLong("conf"),
        help: ArgumentHelp("Configuration directory holding rivulet.yaml (default: $RIVULET_CONF_DIR, else ./conf).", valueName: "dir"))
    var confDirectory: String?

    @Option(name: .customShort("D"), help: "Set a configuration key: -D key=value.")
    var properties: [String] = []

    @Option(
        name: [.customShort("m"), .customLong("jobmanager")],
        help: ArgumentHelp("The JobManager's REST address (default: rest.address and rest.port).", valueName: "host:port"))
    var jobManager: String?

    var configurationFile: String {
        let directory = confDirectory ?? ProcessInfo.processInfo.environment["RIVULET_CONF_DIR"] ?? "conf"
        return (directory as NSString).appendingPathComponent("rivulet.yaml")
    }

    func overrides() throws -> [String: String] {
        var result: [String: String] = [:]
        for property in properties {
            let (k, v) = try ConfigurationLoader.parseProperty(property)
            result[k] = v
        }
        return result
    }

    func configuration() throws -> Configuration {
        try ConfigurationLoader.load(file: configurationFile, overrides: try overrides())
    }

    /// The REST client of the JobManager: `-m`, else the leader ZooKeeper names in an HA
    /// cluster (waiting up to 15 s while a new leader is elected), else `rest.address`.
    func client() async throws -> RestClient {
        var client = try await jobManagerClient()
        // The token comes from the configuration (or RIVULET_REST_TOKEN) even with -m.
        let environment = ProcessInfo.processInfo.environment
        let c = try? configuration()
        client.token = c.flatMap { SecurityOptions.token($0) } ?? environment["RIVULET_REST_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        // HTTPS with the CA the configuration names (security.ssl.rest.*).
        if let c { client.tls = try RestTLS.client(c) }
        return client
    }

    func jobManagerClient() async throws -> RestClient {
        if let jobManager {
            guard let colon = jobManager.lastIndex(of: ":"), let port = Int(jobManager[jobManager.index(after: colon)...]),
                (1...65535).contains(port), colon != jobManager.startIndex
            else {
                throw ValidationError("-m expects host:port, got '\(jobManager)'")
            }
            return RestClient(host: String(jobManager[..<colon]), port: port)
        }
        let c = try configuration()
        if let settings = try HighAvailabilitySettings.from(c) {
            guard let leader = try await LeaderLookup.find(settings, waitingMillis: 15_000) else {
                throw ValidationError(
                    "no JobManager leads the cluster '\(settings.clusterPath)' in ZooKeeper at \(settings.quorum) (waited 15 s); is one running?")
            }
            return RestClient(host: leader.restHost, port: leader.restPort)
        }
        return RestClient(host: c[ClusterOptions.restAddress], port: c[ClusterOptions.restPort])
    }
}

/// Prints `error: message` and exits with a failure status.
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    return .failure
}
