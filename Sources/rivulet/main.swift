// The `rivulet` binary: the command line with the example jobs, Nexmark, and SQL with the
// nexmark connector.

import RivuletCLI
import Rivulet
import RivuletExamples
import RivuletNexmark
import RivuletSQL

await RivuletCommand.main(
    jobs: JobCatalog(ExampleJobs.catalog.jobs + [NexmarkJobs.nexmark]), tableConnectors: TableConnectors.builtIn.adding([NexmarkTableConnector()]))
