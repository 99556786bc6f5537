// `rivulet jobmanager` and `rivulet taskmanager`: the cluster's processes.

import ArgumentParser
import Foundation
import Logging
import Rivulet
import RivuletCluster
import Synchronization

private let loggingBootstrapped = Mutex(false)

/// Logs to standard error, once per process.
func bootstrapLogging() {
    loggingBootstrapped.withLock { done in
        guard !done else { return }
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        done = true
    }
}

/// Loads the configuration and runs a cluster process in the foreground until SIGTERM or
/// SIGINT; any failure is one `error:` line and a non-zero exit.
func runClusterProcess(
    _ name: String, _ options: ClusterCommandOptions,
    _ body: (Configuration, JobCatalog) async throws -> Void
) async throws {
    bootstrapLogging()
    let configuration: Configuration
    do {
        configuration = try options.configuration()
    } catch {
        throw fail("\(error)")
    }
    do {
        try await body(configuration, RivuletCommand.catalog.withLock { $0 })
    } catch {
        throw fail("the \(name) stopped: \(error)")
    }
}

/// Runs the JobManager in the foreground until SIGTERM or SIGINT.
struct JobManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobmanager", abstract: "Run a JobManager (Dispatcher, ResourceManager, JobMasters, REST API).")
    @OptionGroup var cluster: ClusterCommandOptions

    func run() async throws {
        try await runClusterProcess("JobManager", cluster) { try await JobManagerProcess(configuration: $0, catalog: $1).run() }
    }
}

/// Runs a TaskManager in the foreground until SIGTERM or SIGINT.
struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager", abstract: "Run a TaskManager (task slots, data plane).")
    @OptionGroup var cluster: ClusterCommandOptions

    func run() async throws {
        try await runClusterProcess("TaskManager", cluster) { try await TaskManagerProcess(configuration: $0, catalog: $1).run() }
    }
}
