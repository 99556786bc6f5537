// `rivulet local`: runs a job from the catalog in this process (on the MiniCluster).

import ArgumentParser
import Rivulet
import RivuletCluster
import Foundation
import Logging

/// Runs a catalog job in a local MiniCluster, or with `--web-ui` on a JobManager and a
/// TaskManager in this process that serve the REST API, the Web UI and /metrics.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Run a job in this process.",
        discussion: "Job options (such as --input FILE) follow the job name. Use --list to see the jobs.")

    @Flag(name: .long, help: "List the jobs of this binary and their options.")
    var list = false

    @Option(name: [.customShort("p"), .long], help: "Default parallelism of the job's operators.")
    var parallelism: Int?

    @Option(name: .customShort("D"), help: "Set a configuration key: -D key=value.")
    var properties: [String] = []

    @Option(
        name: [.customShort("s"), .customLong("from-savepoint")],
        help: ArgumentHelp("Restore the job's state from a savepoint (or a retained checkpoint's chk-<n> directory).", valueName: "path"))
    var fromSavepoint: String?

    @Option(
        name: .customLong("savepoint-on-finish"),
        help: ArgumentHelp("Write a savepoint into this directory when the job finishes (needs checkpointing).", valueName: "dir"))
    var savepointOnFinish: String?

    @Flag(name: .customLong("web-ui"), help: "Serve the Web UI, the REST API and /metrics while the job runs.")
    var webUI = false

    @Option(name: .long, help: ArgumentHelp("Port of the Web UI and REST API (default: rest.port).", valueName: "port"))
    var port: Int?

    @Argument(help: "The job to run.")
    var job: String?

    @Argument(parsing: .allUnrecognized, help: "Options of the job.")
    var jobArguments: [String] = []

    func run() async throws {
        let catalog = RivuletCommand.catalog.withLock { $0 }
        if list {
            printList(catalog)
            return
        }
        do {
            guard let name = job else {
                throw JobArgumentError("no job given; run 'rivulet local --list' to see the jobs")
            }
            let definition = try catalog.job(named: name)
            var overrides: [String: String] = [:]
            for property in properties {
                guard let eq = property.firstIndex(of: "="), eq != property.startIndex else {
                    throw ConfigurationError("-D expects key=value, got '\(property)'")
                }
                overrides[String(property[..<eq])] = String(property[property.index(after: eq)...])
            }
            if let parallelism {
                guard (1...32768).contains(parallelism) else {
                    throw ConfigurationError("--parallelism must be from 1 to 32768, got \(parallelism)")
                }
                overrides[PipelineOptions.parallelism.key] = String(parallelism)
            }
            if let port {
                guard webUI else { throw ConfigurationError("--port is the Web UI's port: it needs --web-ui") }
                guard (0...65535).contains(port) else { throw ConfigurationError("--port must be from 0 to 65535, got \(port)") }
                overrides[ClusterOptions.restPort.key] = String(port)
            }
            let configuration = try Configuration(overrides, schema: .cluster)
            if webUI {
                guard savepointOnFinish == nil else {
                    throw ConfigurationError(
                        "--savepoint-on-finish is not supported with --web-ui; take a savepoint from the Web UI or with 'rivulet stop'")
                }
                let outcome = try await runWithWebUI(name, configuration: configuration, catalog: catalog)
                switch outcome.status {
                case .finished: return
                case .canceled: throw JobExecutionError.cancelled(job: name)
                default: throw ClusterError("job \(outcome.jobID) ended \(outcome.status.rawValue): \(outcome.failure ?? "no failure recorded")")
                }
            }
            let arguments = try JobArguments(jobName: name, arguments: jobArguments, parameters: definition.parameters)
            let env = StreamExecutionEnvironment(configuration: configuration)
            try definition.build(env, arguments)
            let cluster = MiniCluster()
            let interrupt = Self.cancelOnInterrupt(cluster)
            defer { interrupt.cancel() }
            try await env.executeAsync(
                name, on: cluster, options: ExecutionOptions(restoreFromSavepoint: fromSavepoint, savepointOnFinish: savepointOnFinish))
        } catch let error as JobExecutionError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            if case .cancelled = error { throw ExitCode(130) }
            throw ExitCode.failure
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Runs the job on an embedded JobManager and TaskManager; logs at warning unless
    /// logging.level says otherwise, so the job's own output stays readable.
    func runWithWebUI(_ name: String, configuration: Configuration, catalog: JobCatalog) async throws -> EmbeddedCluster.Outcome {
        var logged = configuration
        if !properties.contains(where: { $0.hasPrefix(LoggingOptions.level.key + "=") }) {
            logged = try Configuration(configuration.values.merging([LoggingOptions.level.key: "warning"]) { $1 }, schema: .cluster)
        }
        try bootstrapLogging(logged, process: "local")
        return try await EmbeddedCluster.run(
            job: name, arguments: jobArguments, savepointPath: fromSavepoint, configuration: configuration, catalog: catalog,
            announce: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }, logger: Logger(label: "rivulet.jobmanager"))
    }

    func printList(_ catalog: JobCatalog) {
        var text = ""
        for job in catalog.jobs {
            text += "\(job.name)\t\(job.summary)\n"
            for p in job.parameters {
                text += "    --\(p.name)\t\(p.help)\(p.defaultValue.map { " (default: \($0))" } ?? "")\n"
            }
        }
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Ctrl-C and SIGTERM cancel the running job.
    static func cancelOnInterrupt(_ cluster: MiniCluster) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { cluster.cancel() }
        source.resume()
        return source
    }
}
