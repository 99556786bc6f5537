// `rivulet sql`: runs a SQL script in this process, submits it to a cluster, or opens a shell.

import ArgumentParser
import Foundation
import Rivulet
import RivuletCluster
import RivuletSQL

/// Runs SQL. With `-f`, the script's statements run in order: DDL and SET change the
/// session, SHOW/DESCRIBE/EXPLAIN print, and each INSERT, statement set or query is a job,
/// run here (the MiniCluster, as `rivulet local`) or, with `-m` or `--submit`, submitted to
/// the cluster as the `sql` job with the script (so a new leader can plan it again). Without
/// `-f`, an interactive shell reads statements ending in `;`.
struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL: a script (-f), here or on a cluster (-m / --submit), or an interactive shell.")

    @OptionGroup var cluster: ClusterCommandOptions

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp("The SQL script to run.", valueName: "file"))
    var file: String?

    @Flag(name: .long, help: "Submit the jobs to the cluster of the configuration (rest.address, or the HA leader).")
    var submit = false

    @Option(name: [.customShort("p"), .long], help: "Default parallelism of the job's operators.")
    var parallelism: Int?

    func run() async throws {
        if let parallelism, !(1...32768).contains(parallelism) {
            throw ValidationError("--parallelism must be from 1 to 32768, got \(parallelism)")
        }
        let connectors = RivuletCommand.tableConnectors.withLock { $0 }
        guard let file else {
            try await SQLShell(command: self, connectors: connectors).run()
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw fail("cannot read the SQL script '\(file)': \(error.localizedDescription)")
        }
        let script: SQLScript
        do {
            script = try SQLScript(text, connectors: connectors)
        } catch let error as SQLError {
            throw fail("\(file): \(error)")
        } catch {
            throw fail("\(file): \(error)")
        }
        var job = 0
        for result in script.results {
            switch result {
            case .ok(let message): say(message)
            case .text(let text): say(text)
            case .job:
                try await runJob(script: text, index: job, planned: script)
                job += 1
            }
        }
    }

    var toCluster: Bool { submit || cluster.jobManager != nil }

    /// Runs job `index` of `planned` here, or submits it.
    func runJob(script text: String, index: Int, planned: SQLScript) async throws {
        let job = planned.jobs[index]
        if toCluster {
            try await cliRun {
                let client = try await cluster.client()
                let overrides = try cluster.overrides().merging(planned.configuration(job: index)) { $1 }
                let submission = JobSubmission(
                    job: "sql", arguments: ["--script", text, "--statement", String(index)], parallelism: parallelism,
                    configuration: overrides.isEmpty ? nil : overrides)
                let submitted: Submitted = try await client.post("/v1/jobs", body: submission)
                say("[INFO] Submitting SQL update statement to the cluster...")
                say("[INFO] SQL update statement has been successfully submitted to the cluster:")
                say("Job ID: \(submitted.jobID)")
            }
            return
        }
        do {
            var overrides = try cluster.overrides().merging(planned.configuration(job: index)) { $1 }
            if let parallelism { overrides[PipelineOptions.parallelism.key] = String(parallelism) }
            let env = StreamExecutionEnvironment(configuration: try Configuration(overrides, schema: .cluster))
            try planned.build(job: index, into: env)
            let mini = MiniCluster()
            let interrupt = LocalCommand.cancelOnInterrupt(mini)
            defer { interrupt.cancel() }
            try await env.executeAsync(job.name, on: mini, options: ExecutionOptions())
        } catch let error as JobExecutionError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            if case .cancelled = error { throw ExitCode(130) }
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }
}

/// The interactive shell: reads statements ending in `;`, keeps the session's DDL and SET so
/// a job can be planned again (here or on the cluster), shows a query's changelog as a table
/// that grows as rows arrive (`sql-client.execution.result-mode`, 'tableau' here), and writes
/// each statement to the history file `~/.rivulet_sql_history`.
struct SQLShell {
    let command: SQLCommand
    let connectors: TableConnectors

    func run() async throws {
        let interactive = isatty(0) != 0
        // A query's changelog as a table unless SET says otherwise.
        var session = ["SET '\(TableEnvironment.resultMode)' = 'tableau';"]
        var pending = ""
        if interactive { say("Rivulet SQL shell. End each statement with ';'. Ctrl-C cancels a running query; Ctrl-D quits.") }
        while true {
            if interactive {
                FileHandle.standardOutput.write(Data((pending.isEmpty ? "Rivulet SQL> " : "> ").utf8))
            }
            guard let line = readLine() else { break }
            pending += (pending.isEmpty ? "" : "\n") + line
            guard line.trimmingCharacters(in: .whitespaces).hasSuffix(";") else { continue }
            let statement = pending
            pending = ""
            if ["quit;", "exit;"].contains(statement.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()) { break }
            appendHistory(statement)
            let text = (session + [statement]).joined(separator: "\n")
            do {
                let script = try SQLScript(text, connectors: connectors)
                guard let last = script.results.last else { continue }
                switch last {
                case .ok(let message):
                    session.append(statement)
                    say(message)
                case .text(let output): say(output)
                case .job: try await command.runJob(script: text, index: script.jobs.count - 1, planned: script)
                }
            } catch let error as ExitCode {
                if error == ExitCode(130) { say("[INFO] Query cancelled.") }
            } catch var error as SQLError {
                // Lines count from the statement typed, not from the session before it.
                let before = session.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false).count
                if error.position.line > before { error.position.line -= before }
                FileHandle.standardError.write(Data("[ERROR] \(error)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("[ERROR] \(error)\n".utf8))
            }
        }
    }

    func appendHistory(_ statement: String) {
        guard let home = ProcessInfo.processInfo.environment["HOME"] else { return }
        let path = home + "/.rivulet_sql_history"
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        handle.write(Data((statement + "\n").utf8))
        handle.closeFile()
    }
}

/// Prints a line at once (job output goes to standard output unbuffered, so buffered lines
/// would come out after it).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
