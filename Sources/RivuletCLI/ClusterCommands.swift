// `rivulet run|list|info|cancel|stop|savepoint`: clients of the JobManager's REST API.

import ArgumentParser
import Foundation
import Rivulet
import RivuletCluster

struct Submitted: Decodable { let jobID: String }
struct SavepointAnswer: Decodable { let path: String }
struct JobList: Decodable { let jobs: [JobDetail] }
struct SavepointBody: Encodable { let directory: String }

/// Runs `body`, printing failures as one line and exiting non-zero.
func cliRun(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let e as ExitCode {
        throw e
    } catch let e as ValidationError {
        throw e
    } catch {
        throw fail("\(error)")
    }
}

/// Submits a catalog job to the cluster.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a job on the cluster.",
        discussion: "Job options (such as --input FILE) follow the job name. Without --detached the command waits for the job to end.")

    @OptionGroup var cluster: ClusterCommandOptions

    @Option(name: [.customShort("p"), .long], help: "Default parallelism of the job's operators.")
    var parallelism: Int?

    @Option(name: [.customShort("s"), .customLong("from-savepoint")], help: ArgumentHelp("Restore from a savepoint directory.", valueName: "path"))
    var fromSavepoint: String?

    @Flag(name: [.customShort("d"), .long], help: "Return once the job is submitted.")
    var detached = false

    @Argument(help: "The job to run.")
    var job: String

    @Argument(parsing: .allUnrecognized, help: "Options of the job.")
    var jobArguments: [String] = []

    func run() async throws {
        try await cliRun {
            if let parallelism, !(1...32768).contains(parallelism) {
                throw ValidationError("--parallelism must be from 1 to 32768, got \(parallelism)")
            }
            let client = try await cluster.client()
            var overrides: [String: String] = [:]
            for property in cluster.properties {
                let (k, v) = try ConfigurationLoader.parseProperty(property)
                overrides[k] = v
            }
            let submission = JobSubmission(
                job: job, arguments: jobArguments, parallelism: parallelism, savepointPath: fromSavepoint,
                configuration: overrides.isEmpty ? nil : overrides)
            let submitted: Submitted = try await client.post("/v1/jobs", body: submission)
            print("Job has been submitted with JobID \(submitted.jobID)")
            if detached { return }
            while true {
                let detail: JobDetail = try await client.get("/v1/jobs/\(submitted.jobID)")
                if detail.status.isTerminal {
                    print("Job \(submitted.jobID) \(detail.status.rawValue) after \(detail.durationMillis) ms (restarts: \(detail.attempt))")
                    guard detail.status == .finished else {
                        throw fail(
                            "job \(submitted.jobID) \(detail.status.rawValue.lowercased()): \(detail.exceptions?.last ?? "no reason recorded")")
                    }
                    return
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

/// Lists the cluster's jobs.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the cluster's jobs.")
    @OptionGroup var cluster: ClusterCommandOptions

    func run() async throws {
        try await cliRun {
            let list: JobList = try await cluster.client().get("/v1/jobs")
            if list.jobs.isEmpty {
                print("No jobs.")
                return
            }
            for job in list.jobs {
                print("\(job.id)\t\(job.status.rawValue)\t\(job.name)\t\(job.durationMillis) ms\trestarts \(job.attempt)")
            }
        }
    }
}

/// Shows one job.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a job's vertices, subtasks and checkpoints.")
    @OptionGroup var cluster: ClusterCommandOptions
    @Argument(help: "The job id.") var id: String

    func run() async throws {
        try await cliRun {
            let d: JobDetail = try await cluster.client().get("/v1/jobs/\(id)")
            print("\(d.id)  \(d.name)  \(d.status.rawValue)  restarts \(d.attempt)  \(d.durationMillis) ms")
            for v in d.vertices ?? [] {
                print(
                    "  [\(v.id)] \(v.name)  p=\(v.parallelism)  \(v.status)  in \(v.recordsIn)  out \(v.recordsOut)  backpressure \(v.backPressure)")
            }
            if let checkpoints = d.checkpoints, let last = checkpoints.last {
                print("  checkpoints: \(checkpoints.count) completed, last \(last.id) (\(last.stateBytes) bytes, \(last.durationMillis) ms)")
            }
            for e in d.exceptions ?? [] { print("  failure: \(e)") }
        }
    }
}

/// Cancels a job.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a job.")
    @OptionGroup var cluster: ClusterCommandOptions
    @Argument(help: "The job id.") var id: String

    func run() async throws {
        try await cliRun {
            let _: JobDetail = try await cluster.client().post("/v1/jobs/\(id)/cancel", body: Optional<SavepointBody>.none)
            print("Cancelled job \(id).")
        }
    }
}

/// Takes a savepoint and stops the job.
struct StopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop a job with a savepoint.")
    @OptionGroup var cluster: ClusterCommandOptions
    @Option(name: .customLong("savepoint-dir"), help: ArgumentHelp("Directory to write the savepoint into.", valueName: "dir"))
    var savepointDirectory: String
    @Argument(help: "The job id.") var id: String

    func run() async throws {
        try await cliRun {
            let answer: SavepointAnswer = try await cluster.client().post("/v1/jobs/\(id)/stop", body: SavepointBody(directory: savepointDirectory))
            print("Savepoint completed at \(answer.path); job \(id) stopped.")
        }
    }
}

/// Takes a savepoint of a running job.
struct SavepointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "savepoint", abstract: "Take a savepoint of a running job.")
    @OptionGroup var cluster: ClusterCommandOptions
    @Argument(help: "The job id.") var id: String
    @Argument(help: "Directory to write the savepoint into.") var directory: String

    func run() async throws {
        try await cliRun {
            let answer: SavepointAnswer = try await cluster.client().post("/v1/jobs/\(id)/savepoints", body: SavepointBody(directory: directory))
            print("Savepoint completed at \(answer.path)")
        }
    }
}
