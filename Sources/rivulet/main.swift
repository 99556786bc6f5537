// The `rivulet` binary: the command line with the example jobs.

import Rivulet
import RivuletExamples

RivuletCommand.main(jobs: ExampleJobs.catalog)
