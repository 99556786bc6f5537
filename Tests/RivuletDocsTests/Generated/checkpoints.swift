// Generated from docs/checkpoints.md by DocExamplesTests: do not edit; edit the page and regenerate.

import Rivulet
import RivuletExamples

// MARK: docs/checkpoints.md example 1


enum DocsCheckpointedKeyedSum {
    /// Runs the `keyed-sum` example job in this process with a checkpoint every second,
    /// keyed state in RocksDB with incremental checkpoints, and a savepoint written into
    /// `savepoint` (an empty or new directory) when the job finishes.
    static func run(checkpoints: String, savepoint: String) throws -> JobExecutionResult {
        let env = StreamExecutionEnvironment()
        try env.enableCheckpointing(.seconds(1), directory: checkpoints)
        try env.set("state.backend.type", "rocksdb")
        try env.set("state.backend.incremental", "true")
        let job = ExampleJobs.keyedSum
        try job.build(env, JobArguments(jobName: job.name, values: ["count": "1000000"]))
        return try env.execute(job.name, options: ExecutionOptions(savepointOnFinish: savepoint))
    }
}
