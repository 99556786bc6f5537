// The `rivulet` binary: the command line with the example jobs.

import RivuletCLI
import RivuletExamples

await RivuletCommand.main(jobs: ExampleJobs.catalog)
