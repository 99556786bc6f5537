// The `rivulet` command line: the entry point user binaries call with their job catalog.

import ArgumentParser
import Rivulet
import Synchronization

/// The `rivulet` command. A user's binary calls `await RivuletCommand.main(jobs:)`.
public struct RivuletCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rivulet",
        abstract: "A distributed, stateful stream processor.",
        subcommands: [
            LocalCommand.self, RunCommand.self, ListCommand.self, InfoCommand.self, CancelCommand.self,
            StopCommand.self, SavepointCommand.self, JobManagerCommand.self, TaskManagerCommand.self,
            ConfigCommand.self,
        ])

    static let catalog = Mutex(JobCatalog([]))

    public init() {}

    /// Runs the command line with the jobs of `jobs`.
    public static func main(jobs: JobCatalog) async {
        catalog.withLock { $0 = jobs }
        await main()
    }
}
