// The `rivulet` binary: the command line with the example jobs and Nexmark.

import RivuletCLI
import Rivulet
import RivuletExamples
import RivuletNexmark

await RivuletCommand.main(jobs: JobCatalog(ExampleJobs.catalog.jobs + [NexmarkJobs.nexmark]))
