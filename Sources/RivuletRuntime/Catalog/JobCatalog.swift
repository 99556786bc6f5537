// Maps job names to the Swift code that builds them (Flink's application mode).

/// A job the binary can run: its name, options and builder. Builders must be deterministic.
public struct JobDefinition: Sendable {
    public let name: String
    public let summary: String
    public let parameters: [JobParameter]
    public let build: @Sendable (StreamExecutionEnvironment, JobArguments) throws -> Void
    /// The files and directories the job reads or writes that are not path parameters (the
    /// tables of a SQL script), each with what names it: a cluster with
    /// `security.allowed-directories` refuses the job unless every one lies under them.
    public let paths: (@Sendable (JobArguments) throws -> [(what: String, path: String)])?

    public init(
        name: String, summary: String, parameters: [JobParameter] = [],
        paths: (@Sendable (JobArguments) throws -> [(what: String, path: String)])? = nil,
        build: @escaping @Sendable (StreamExecutionEnvironment, JobArguments) throws -> Void
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.paths = paths
        self.build = build
    }
}

/// The jobs compiled into this binary.
public struct JobCatalog: Sendable {
    public let jobs: [JobDefinition]

    public init(_ jobs: [JobDefinition]) {
        self.jobs = jobs
    }

    /// The job called `name`, or an error listing the known names.
    public func job(named name: String) throws -> JobDefinition {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw JobArgumentError("unknown job '\(name)'; known jobs: \(jobs.map(\.name).joined(separator: ", "))")
        }
        return job
    }
}
