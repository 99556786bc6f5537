// The catalog of example jobs shipped in the `rivulet` binary.

import Rivulet

/// The example jobs, by name.
public enum ExampleJobs {
    /// Every example job.
    public static var catalog: JobCatalog {
        JobCatalog([wordCount, windowWordCount, topSpeed, sequenceCheck, keyedSum])
    }
}
