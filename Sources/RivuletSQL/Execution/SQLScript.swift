// A whole SQL script: its statements run in order, the jobs it asks for, and the `sql` job of
// a binary's catalog that runs one of them (what `rivulet sql` runs and submits).

import RivuletCore
import RivuletRuntime

/// The outcome of reading a script: what each statement said, and the jobs it asks for.
public struct SQLScript: Sendable {
    /// Per statement, in order: its result.
    public var results: [StatementResult]
    public var jobs: [SQLJob]
    /// The session after the script (catalog and settings).
    public var environment: TableEnvironment

    /// Parses and runs `text`'s statements (DDL, SET, SHOW, ...), planning its jobs.
    public init(_ text: String, connectors: TableConnectors = .builtIn) throws {
        var environment = TableEnvironment(connectors: connectors)
        var results: [StatementResult] = []
        var jobs: [SQLJob] = []
        for statement in try SQLParser.parseScript(text) {
            let result = try environment.execute(statement)
            if case .job(let job) = result { jobs.append(job) }
            results.append(result)
        }
        self.results = results
        self.jobs = jobs
        self.environment = environment
    }

    /// The files and directories the script's tables and settings name: what a cluster with
    /// allowed directories checks before it runs the script.
    public var paths: [(what: String, path: String)] {
        var result: [(what: String, path: String)] = []
        for name in environment.catalog.names {
            if case .table(let table)? = environment.catalog.entries[name], let path = table.option("path") {
                result.append(("the path of table '\(name)'", path))
            }
        }
        for (key, value) in environment.settings
        where [CheckpointingOptions.directory.key, StateBackendOptions.rocksDBLocalDirectory.key].contains(key) && !value.isEmpty {
            result.append(("SET '\(key)'", value))
        }
        return result
    }

    /// The engine configuration job `index` runs with: its SET values (not the SQL layer's
    /// `table.*` keys), later ones winning.
    public func configuration(job index: Int) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in jobs[index].settings where !Self.isTableOption(key) { result[key] = value }
        return result
    }

    /// Keys `SET` may give that belong to the SQL layer rather than the engine's configuration.
    public static func isTableOption(_ key: String) -> Bool { key.hasPrefix("table.") || key.hasPrefix("sql-client.") }

    /// Adds job `index` to `env`, after applying its SET values to the environment's configuration.
    public func build(job index: Int, into env: StreamExecutionEnvironment) throws {
        guard jobs.indices.contains(index) else {
            throw JobArgumentError("the script asks for \(jobs.count) job\(jobs.count == 1 ? "" : "s"); there is no job \(index)")
        }
        let job = jobs[index]
        for (key, value) in job.settings where !Self.isTableOption(key) {
            do {
                _ = try env.set(key, value)
                if key == PipelineOptions.parallelism.key { _ = env.setParallelism(env.configuration[PipelineOptions.parallelism]) }
                if key == PipelineOptions.maxParallelism.key && env.configuration[PipelineOptions.maxParallelism] != env.maxParallelism {
                    throw JobArgumentError("it must be part of the job's configuration from the start: pass it with -D")
                }
            } catch {
                throw JobArgumentError("SET '\(key)' = '\(value)': \(error)")
            }
        }
        if !job.settings.contains(where: { $0.key == PipelineOptions.name.key }) { _ = try env.set(PipelineOptions.name.key, job.name) }
        try environment.build(job, into: env, configuration: env.configuration.values, uidPrefix: "sql-\(index)")
    }

    /// The `sql` job: runs job `--statement` (0 first) of the script `--script`. A cluster
    /// keeps the script with the job, so a new leader plans it again after a failover.
    public static func jobDefinition(connectors: TableConnectors = .builtIn) -> JobDefinition {
        JobDefinition(
            name: "sql",
            summary: "Runs a SQL script's INSERT, statement set or query (what 'rivulet sql' runs and submits).",
            parameters: [
                JobParameter("script", help: "The SQL text."),
                JobParameter("statement", help: "Which job of the script to run: 0 for its first INSERT, statement set or query.", default: "0"),
            ],
            paths: { args in
                guard let text = args.string("script") else { return [] }
                return try SQLScript(text, connectors: connectors).paths
            }
        ) { env, args in
            guard let text = args.string("script") else { throw JobArgumentError("job 'sql' needs --script with the SQL text") }
            let script = try SQLScript(text, connectors: connectors)
            try script.build(job: try args.int("statement", default: 0, in: 0...Int.max), into: env)
        }
    }
}
