// Configuration keys of a job's pipeline: parallelism, key groups, watermark cadence.

/// `parallelism.default` and `pipeline.*` (Flink's CoreOptions and PipelineOptions).
public enum PipelineOptions: ConfigOptionGroup {
    public static let title = "Pipeline"

    public static let parallelism = ConfigOption<Int>.integer(
        "parallelism.default", default: 1, in: 1...32768, "Parallelism of operators that do not set their own.")
    public static let maxParallelism = ConfigOption<Int>.integer(
        "pipeline.max-parallelism", default: 128, in: 1...32768, "Number of key groups: the upper bound for rescaling keyed state.")
    public static let autoWatermarkInterval = ConfigOption<Duration>.duration(
        "pipeline.auto-watermark-interval", default: "200 ms", "How often periodic watermark generators emit.")

    public static let windowSlicing = ConfigOption<Bool>.boolean(
        "pipeline.window-slicing", default: true,
        "Sliding event-time windows aggregated or reduced share slices (one state update per element); false keeps one state entry per window.")

    public static let name = ConfigOption<String>.text(
        "pipeline.name", default: "",
        "The job's name in listings, the REST API and the Web UI; empty: the name it was run or submitted under (a SQL job: insert-into_<table>).")

    public static let options = [parallelism.erased, maxParallelism.erased, autoWatermarkInterval.erased, windowSlicing.erased, name.erased]
}
