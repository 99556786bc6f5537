// The `rivulet` command line: the entry point user binaries call with their job catalog.

import ArgumentParser
import Rivulet
import RivuletSQL
import Synchronization

/// The `rivulet` command. A user's binary calls `await RivuletCommand.main(jobs:)`.
public struct RivuletCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rivulet",
        abstract: "A distributed, stateful stream processor.",
        subcommands: [
            LocalCommand.self, RunCommand.self, ListCommand.self, InfoCommand.self, CancelCommand.self,
            StopCommand.self, SavepointCommand.self, JobManagerCommand.self, TaskManagerCommand.self,
            ConfigCommand.self, SQLCommand.self,
        ])

    static let catalog = Mutex(JobCatalog([]))
    /// The connectors `rivulet sql` plans with (the `sql` job of the catalog has the same).
    static let tableConnectors = Mutex(TableConnectors.builtIn)

    public init() {}

    /// Runs the command line with the jobs of `jobs`.
    public static func main(jobs: JobCatalog) async {
        await main(jobs: jobs, tableConnectors: .builtIn)
    }

    /// Runs the command line with the jobs of `jobs` and, for SQL, the `sql` job planning
    /// with `tableConnectors`.
    public static func main(jobs: JobCatalog, tableConnectors: TableConnectors) async {
        let sql = SQLScript.jobDefinition(connectors: tableConnectors)
        catalog.withLock { $0 = JobCatalog(jobs.jobs.filter { $0.name != sql.name } + [sql]) }
        self.tableConnectors.withLock { $0 = tableConnectors }
        await main()
    }
}
