// The `rivulet` command line: the entry point user binaries call with their job catalog.

import ArgumentParser
import Synchronization

/// The `rivulet` command. A user's binary calls `RivuletCommand.main(jobs:)`.
public struct RivuletCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rivulet",
        abstract: "A distributed, stateful stream processor.",
        subcommands: [LocalCommand.self])

    static let catalog = Mutex(JobCatalog([]))

    public init() {}

    /// Runs the command line with the jobs of `jobs`.
    public static func main(jobs: JobCatalog) {
        catalog.withLock { $0 = jobs }
        main()
    }
}
