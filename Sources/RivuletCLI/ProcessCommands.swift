// `rivulet jobmanager` and `rivulet taskmanager`: the cluster's processes.

import ArgumentParser
import Foundation
import Logging
import Rivulet
import RivuletCluster
import Synchronization

private let loggingBootstrapped = Mutex(false)

/// Logs as `logging.*` says (standard error at info without a configuration), once per
/// process: `process` names the log file (`<process>-<pid>.log` under `logging.dir`).
func bootstrapLogging(_ configuration: Configuration? = nil, process: String = "rivulet") throws {
    guard !loggingBootstrapped.withLock({ $0 }) else { return }
    let levels =
        try configuration.map { try LogLevels.parse($0[LoggingOptions.levels], default: $0[LoggingOptions.level].level) }
        ?? LogLevels(defaultLevel: .info)
    let directory = configuration?[LoggingOptions.directory] ?? ""
    let output =
        directory.isEmpty
        ? LogOutput.standardError
        : try LogOutput(
            path: directory + "/\(process)-\(getpid()).log", maxSize: configuration?[LoggingOptions.maxFileSize] ?? Int.max,
            maxFiles: configuration?[LoggingOptions.maxFiles] ?? 5)
    let format = configuration?[LoggingOptions.format] ?? .text
    loggingBootstrapped.withLock { done in
        guard !done else { return }
        RivuletLogHandler.bootstrap(levels: levels, format: format, output: output)
        done = true
    }
}

/// Loads the configuration and runs a cluster process in the foreground until SIGTERM or
/// SIGINT; any failure is one `error:` line and a non-zero exit.
func runClusterProcess(
    _ name: String, _ options: ClusterCommandOptions,
    _ body: (Configuration, JobCatalog) async throws -> Void
) async throws {
    let configuration: Configuration
    do {
        configuration = try options.configuration()
        try bootstrapLogging(configuration, process: name.lowercased())
    } catch {
        try? bootstrapLogging()
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
        try await runClusterProcess("JobManager", cluster) {
            try await JobManagerProcess(configuration: $0, catalog: $1, metrics: .bootstrapped(), logger: Logger(label: "rivulet.jobmanager")).run()
        }
    }
}

/// Runs a TaskManager in the foreground until SIGTERM or SIGINT.
struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager", abstract: "Run a TaskManager (task slots, data plane).")
    @OptionGroup var cluster: ClusterCommandOptions

    func run() async throws {
        try await runClusterProcess("TaskManager", cluster) {
            try await TaskManagerProcess(configuration: $0, catalog: $1, metrics: .bootstrapped(), logger: Logger(label: "rivulet.taskmanager")).run()
        }
    }
}
