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

/// Runs the JobManager in the foreground until SIGTERM or SIGINT.
struct JobManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobmanager", abstract: "Run a JobManager (Dispatcher, ResourceManager, JobMasters, REST API).")
    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        bootstrapLogging()
        let configuration: Configuration
        do {
            configuration = try cluster.configuration()
        } catch {
            throw fail("\(error)")
        }
        let catalog = RivuletCommand.catalog.withLock { $0 }
        do {
            try await JobManagerProcess(configuration: configuration, catalog: catalog).run()
        } catch {
            throw fail("the JobManager stopped: \(error)")
        }
    }
}

/// Runs a TaskManager in the foreground until SIGTERM or SIGINT.
struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager", abstract: "Run a TaskManager (task slots, data plane).")
    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        bootstrapLogging()
        let configuration: Configuration
        do {
            configuration = try cluster.configuration()
        } catch {
            throw fail("\(error)")
        }
        let catalog = RivuletCommand.catalog.withLock { $0 }
        do {
            try await TaskManagerProcess(configuration: configuration, catalog: catalog).run()
        } catch {
            throw fail("the TaskManager stopped: \(error)")
        }
    }
}
