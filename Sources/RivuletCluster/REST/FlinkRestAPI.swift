// The REST paths and JSON shapes of Flink's REST API (what Flink's clients, scripts and
// dashboards call), next to Rivulet's own /v1 paths.

import Foundation
import Hummingbird
import NIOCore
import RivuletRuntime
import RivuletCore
import Synchronization

/// Flink's REST API on the JobManager: the cluster overview, configuration, jobs with their
/// plan, vertices, exceptions and checkpoints, TaskManagers, and savepoint and stop
/// triggers answered with a request id to poll (Flink's asynchronous operations). Field
/// names and nesting follow Flink 1.x/2.x; a field Rivulet has no value for is left out
/// rather than invented.
enum FlinkRestAPI {
    /// Rivulet's version, in the place Flink puts its own.
    static let version = "rivulet-0.1"

    static func register(on router: Router<BasicRequestContext>, dispatcher: Dispatcher, operations: AsyncOperations, maxBodyBytes: Int) {
        let rm = dispatcher.resourceManager
        router.get("/overview") { _, _ in
            await RestServer.answer {
                let c = dispatcher.counts
                return RestServer.json(
                    ClusterOverview(
                        taskmanagers: c.taskManagers, slotsTotal: c.slotsTotal, slotsAvailable: c.slotsAvailable, jobsRunning: c.running,
                        jobsFinished: c.finished, jobsCancelled: c.cancelled, jobsFailed: c.failed, flinkVersion: version, flinkCommit: ""))
            }
        }
        router.get("/config") { _, _ in
            await RestServer.answer {
                RestServer.json(
                    DashboardConfig(
                        refreshInterval: 3000, timezoneName: TimeZone.current.identifier,
                        timezoneOffset: TimeZone.current.secondsFromGMT() * 1000, flinkVersion: version, flinkRevision: "",
                        features: .init(webSubmit: false, webCancel: true, webRescale: false, webHistory: false)))
            }
        }
        router.get("/jobmanager/config") { _, _ in
            await RestServer.answer {
                RestServer.json(dispatcher.clusterConfiguration.sorted { $0.key < $1.key }.map { ConfigEntry(key: $0.key, value: $0.value) })
            }
        }
        router.get("/jobmanager/logs") { _, _ in
            await RestServer.answer { RestServer.json(LogList(logs: logFiles(dispatcher).list())) }
        }
        router.get("/jobmanager/logs/:name") { _, context in
            await RestServer.answer { try logText(dispatcher, named: try context.parameters.require("name")) }
        }
        router.get("/jobmanager/log") { _, _ in
            await RestServer.answer { try logText(dispatcher, named: "jobmanager-\(getpid()).log") }
        }
        router.get("/jobs") { _, _ in
            await RestServer.answer {
                RestServer.json(JobIDsWithStatus(jobs: dispatcher.listedJobs(full: false).map { .init(id: $0.id, status: $0.status.rawValue) }))
            }
        }
        router.get("/jobs/overview") { _, _ in
            await RestServer.answer { RestServer.json(MultipleJobs(jobs: dispatcher.listedJobs(full: true).map(jobOverview))) }
        }
        router.get("/jobs/:jobid") { _, context in
            await RestServer.answer {
                let (detail, job) = try lookup(dispatcher, context)
                return RestServer.json(jobDetails(detail, graph: job?.built.jobGraph))
            }
        }
        router.patch("/jobs/:jobid") { request, context in
            await RestServer.answer {
                let job = try job(dispatcher, context)
                let mode = request.uri.queryParameters.get("mode") ?? "cancel"
                guard mode == "cancel" else {
                    throw RestServer.RequestError(status: 400, message: "mode must be 'cancel', got '\(mode)'")
                }
                if !job.status.isTerminal { job.cancel() }
                return RestServer.json(Empty(), status: .accepted)
            }
        }
        router.get("/jobs/:jobid/plan") { _, context in
            await RestServer.answer {
                let (detail, job) = try lookup(dispatcher, context)
                return RestServer.json(PlanAnswer(plan: plan(detail, graph: job?.built.jobGraph)))
            }
        }
        router.get("/jobs/:jobid/exceptions") { _, context in
            await RestServer.answer { RestServer.json(exceptions(try lookup(dispatcher, context).0)) }
        }
        router.get("/jobs/:jobid/checkpoints") { _, context in
            await RestServer.answer { RestServer.json(checkpointStatistics(try lookup(dispatcher, context).0)) }
        }
        router.get("/jobs/:jobid/checkpoints/config") { _, context in
            await RestServer.answer { RestServer.json(checkpointConfig(try job(dispatcher, context))) }
        }
        router.get("/jobs/:jobid/checkpoints/details/:checkpointid") { _, context in
            await RestServer.answer {
                let job = try lookup(dispatcher, context).0
                let text = try context.parameters.require("checkpointid")
                guard let id = Int64(text), let checkpoint = job.checkpoints?.first(where: { $0.id == id }) else {
                    throw RestServer.RequestError(status: 404, message: "job \(job.id) has no completed checkpoint '\(text)'")
                }
                return RestServer.json(checkpointEntry(checkpoint, tasks: taskCount(job), detailed: true))
            }
        }
        router.get("/jobs/:jobid/checkpoints/details/:checkpointid/subtasks/:vertexid") { _, context in
            await RestServer.answer {
                let (job, vertex) = try vertex(dispatcher, context)
                let text = try context.parameters.require("checkpointid")
                guard let id = Int64(text), let checkpoint = job.checkpoints?.first(where: { $0.id == id }) else {
                    throw RestServer.RequestError(status: 404, message: "job \(job.id) has no completed checkpoint '\(text)'")
                }
                let subtasks = (checkpoint.subtasks ?? []).filter { $0.vertex == vertex.id }
                return RestServer.json(taskCheckpointStatistics(checkpoint, vertex: vertex.id, subtasks: subtasks, withSubtasks: true))
            }
        }
        router.get("/jobs/:jobid/vertices/:vertexid") { _, context in
            await RestServer.answer {
                let (job, vertex) = try vertex(dispatcher, context)
                return RestServer.json(vertexDetails(job, vertex))
            }
        }
        router.get("/jobs/:jobid/vertices/:vertexid/backpressure") { _, context in
            await RestServer.answer { RestServer.json(backPressure(try vertex(dispatcher, context).1)) }
        }
        router.get("/taskmanagers") { _, _ in
            await RestServer.answer { RestServer.json(TaskManagersInfo(taskmanagers: rm.summaries.map(taskManagerInfo))) }
        }
        router.get("/taskmanagers/:taskmanagerid") { _, context in
            await RestServer.answer { RestServer.json(taskManagerInfo(try FlinkMetricsAPI.taskManager(rm, context))) }
        }
        FlinkMetricsAPI.register(on: router, dispatcher: dispatcher)
        router.post("/jobs/:jobid/savepoints") { request, context in
            await RestServer.answer {
                let job = try job(dispatcher, context)
                let body = try await RestServer.decode(SavepointTrigger.self, from: request, limit: maxBodyBytes)
                return try startSavepoint(
                    job, target: body.targetDirectory, key: "target-directory", stop: body.cancelJob ?? false, dispatcher, operations)
            }
        }
        router.post("/jobs/:jobid/stop") { request, context in
            await RestServer.answer {
                let job = try job(dispatcher, context)
                let body = try await RestServer.decode(StopTrigger.self, from: request, limit: maxBodyBytes)
                guard body.drain != true else {
                    throw RestServer.RequestError(
                        status: 400, message: "'drain': true (end event time before stopping) is not supported; stop without it")
                }
                return try startSavepoint(job, target: body.targetDirectory, key: "targetDirectory", stop: true, dispatcher, operations)
            }
        }
        router.get("/jobs/:jobid/savepoints/:triggerid") { _, context in
            await RestServer.answer {
                let job = try job(dispatcher, context)
                let trigger = try context.parameters.require("triggerid")
                guard let outcome = operations.outcome(trigger, job: job.jobID) else {
                    throw RestServer.RequestError(status: 404, message: "job \(job.jobID) has no savepoint operation '\(trigger)'")
                }
                return RestServer.json(operationStatus(outcome))
            }
        }
    }

    // MARK: Logs

    struct LogList: Codable { let logs: [LogFiles.File] }

    /// The JobManager's log files in `logging.dir` (current and rotated).
    static func logFiles(_ dispatcher: Dispatcher) -> LogFiles {
        LogFiles(directory: dispatcher.clusterConfiguration[LoggingOptions.directory.key] ?? "", prefix: "jobmanager-")
    }

    /// The most of a log file the REST API serves: its last MiB.
    static let logTailBytes: Int64 = 1 << 20

    /// A log file's tail as a text response; a 404 that says why when there is none.
    static func logResponse(_ content: Data?, name: String, process: String, kept: Bool) throws -> Response {
        guard kept else {
            throw RestServer.RequestError(
                status: 404, message: "this \(process) logs to standard error; set logging.dir to keep log files the REST API can serve")
        }
        guard let content else { throw RestServer.RequestError(status: 404, message: "no \(process) log file '\(name)' in logging.dir") }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: content)))
    }

    /// The listed JobManager log file `name` as text, its last MiB at most.
    static func logText(_ dispatcher: Dispatcher, named name: String) throws -> Response {
        let files = logFiles(dispatcher)
        return try logResponse(try files.tail(name, maxBytes: logTailBytes), name: name, process: "JobManager", kept: files.kept)
    }

    // MARK: Lookups

    /// Starts a savepoint (and with `stop` a stop) into a new directory under `target`; answers
    /// 202 with the request id to poll. `key` names the body's field in the error.
    static func startSavepoint(
        _ job: JobMaster, target: String?, key: String, stop: Bool, _ dispatcher: Dispatcher, _ operations: AsyncOperations
    ) throws -> Response {
        guard let target, !target.isEmpty else {
            throw RestServer.RequestError(status: 400, message: "the request needs '\(key)' (no default savepoint directory is configured)")
        }
        try dispatcher.checkSavepointDirectory(target)
        let directory = savepointDirectory(under: target, job: job.jobID)
        let id = operations.start(job: job.jobID) {
            stop ? try await job.stop(savepointDirectory: directory) : try await job.triggerSavepoint(into: directory)
        }
        return RestServer.json(TriggerAnswer(requestID: id), status: .accepted)
    }

    /// A new savepoint directory under a request's target directory, as Flink names them
    /// (`savepoint-<first 6 of the job id>-<12 random hex digits>`), so that one target serves
    /// many savepoints.
    static func savepointDirectory(under target: String, job: String) -> String {
        let random = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        return (target.hasSuffix("/") ? String(target.dropLast()) : target) + "/savepoint-\(job.prefix(6))-\(random)"
    }

    /// A running job (the actions need its JobMaster; one that ended under an earlier leader
    /// answers 409).
    static func job(_ dispatcher: Dispatcher, _ context: BasicRequestContext) throws -> JobMaster {
        try dispatcher.job(try context.parameters.require("jobid"))
    }

    /// A job to look at: this leader's (with its JobMaster), or one that ended under an earlier leader.
    static func lookup(_ dispatcher: Dispatcher, _ context: BasicRequestContext) throws -> (JobDetail, JobMaster?) {
        try dispatcher.lookup(try context.parameters.require("jobid"))
    }

    static func taskCount(_ detail: JobDetail) -> Int { (detail.vertices ?? []).reduce(0) { $0 + $1.parallelism } }

    static func vertex(_ dispatcher: Dispatcher, _ context: BasicRequestContext) throws -> (JobDetail, VertexDetail) {
        let detail = try lookup(dispatcher, context).0
        let id = try context.parameters.require("vertexid")
        guard let vertex = detail.vertices?.first(where: { String($0.id) == id }) else {
            throw RestServer.RequestError(status: 404, message: "job \(detail.id) has no vertex '\(id)'")
        }
        return (detail, vertex)
    }

    // MARK: Shapes

    struct Empty: Codable {}

    struct ClusterOverview: Codable {
        let taskmanagers: Int
        let slotsTotal: Int
        let slotsAvailable: Int
        let jobsRunning: Int
        let jobsFinished: Int
        let jobsCancelled: Int
        let jobsFailed: Int
        let flinkVersion: String
        let flinkCommit: String
        enum CodingKeys: String, CodingKey {
            case taskmanagers, slotsTotal = "slots-total", slotsAvailable = "slots-available", jobsRunning = "jobs-running"
            case jobsFinished = "jobs-finished", jobsCancelled = "jobs-cancelled", jobsFailed = "jobs-failed"
            case flinkVersion = "flink-version", flinkCommit = "flink-commit"
        }
    }

    struct DashboardConfig: Codable {
        struct Features: Codable {
            let webSubmit: Bool
            let webCancel: Bool
            let webRescale: Bool
            let webHistory: Bool
            enum CodingKeys: String, CodingKey {
                case webSubmit = "web-submit", webCancel = "web-cancel", webRescale = "web-rescale", webHistory = "web-history"
            }
        }
        let refreshInterval: Int
        let timezoneName: String
        let timezoneOffset: Int
        let flinkVersion: String
        let flinkRevision: String
        let features: Features
        enum CodingKeys: String, CodingKey {
            case refreshInterval = "refresh-interval", timezoneName = "timezone-name", timezoneOffset = "timezone-offset"
            case flinkVersion = "flink-version", flinkRevision = "flink-revision", features
        }
    }

    struct ConfigEntry: Codable {
        let key: String
        let value: String
    }

    struct JobIDsWithStatus: Codable {
        struct Entry: Codable {
            let id: String
            let status: String
        }
        let jobs: [Entry]
    }

    /// Subtasks per execution state (Flink's `tasks` and `status-counts` objects).
    struct TaskCounts: Codable {
        var counts: [String: Int]
        init(_ states: [String]) {
            var counts = Dictionary(uniqueKeysWithValues: ExecutionState.allCases.map { ($0.rawValue, 0) })
            for state in states { counts[state, default: 0] += 1 }
            self.counts = counts
        }
        init(from decoder: any Decoder) throws { counts = try [String: Int](from: decoder) }
        func encode(to encoder: any Encoder) throws { try counts.encode(to: encoder) }
        /// The same counts under Flink's lower-case keys, with their `total` (a job overview's `tasks`).
        var lowercased: [String: Int] {
            var result = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.lowercased(), $0.value) })
            result["total"] = counts.values.reduce(0, +)
            return result
        }
    }

    struct JobOverview: Codable {
        let jid: String
        let name: String
        let state: String
        let startTime: Int64
        let endTime: Int64
        let duration: Int64
        let lastModification: Int64
        let tasks: [String: Int]
        enum CodingKeys: String, CodingKey {
            case jid, name, state, startTime = "start-time", endTime = "end-time", duration, lastModification = "last-modification", tasks
        }
    }

    struct MultipleJobs: Codable { let jobs: [JobOverview] }

    /// One state for a vertex whose subtasks are in different states (Flink's aggregate vertex
    /// state): any failed, cancelling or cancelled subtask decides it, then any running one;
    /// all finished is FINISHED; otherwise the least advanced state.
    static func aggregateState(_ states: [String]) -> String {
        let present = Set(states)
        for state in ["FAILED", "CANCELING", "CANCELED", "RUNNING"] where present.contains(state) { return state }
        if !present.isEmpty && present == ["FINISHED"] { return "FINISHED" }
        return ExecutionState.allCases.map(\.rawValue).first { present.contains($0) } ?? "CREATED"
    }

    static func subtaskStates(_ detail: JobDetail) -> [String] {
        (detail.vertices ?? []).flatMap { $0.subtasks.map(\.status) }
    }

    static func jobOverview(_ detail: JobDetail) -> JobOverview {
        JobOverview(
            jid: detail.id, name: detail.name, state: detail.status.rawValue, startTime: detail.startTime, endTime: detail.endTime ?? -1,
            duration: detail.durationMillis, lastModification: detail.endTime ?? detail.startTime,
            tasks: TaskCounts(subtaskStates(detail)).lowercased)
    }

    struct IOMetrics: Codable {
        let readRecords: Int64
        let readRecordsComplete: Bool
        let writeRecords: Int64
        let writeRecordsComplete: Bool
        enum CodingKeys: String, CodingKey {
            case readRecords = "read-records", readRecordsComplete = "read-records-complete"
            case writeRecords = "write-records", writeRecordsComplete = "write-records-complete"
        }
    }

    struct JobVertexSummary: Codable {
        let id: String
        let name: String
        let parallelism: Int
        let maxParallelism: Int
        let status: String
        let startTime: Int64
        let endTime: Int64
        let duration: Int64
        let tasks: TaskCounts
        let metrics: IOMetrics
        enum CodingKeys: String, CodingKey {
            case id, name, parallelism, maxParallelism, status, startTime = "start-time", endTime = "end-time", duration, tasks, metrics
        }
    }

    struct JobDetails: Codable {
        let jid: String
        let name: String
        let isStoppable: Bool
        let state: String
        let jobType: String
        let startTime: Int64
        let endTime: Int64
        let duration: Int64
        let maxParallelism: Int
        let now: Int64
        let timestamps: [String: Int64]
        let vertices: [JobVertexSummary]
        let statusCounts: TaskCounts
        let plan: Plan
        enum CodingKeys: String, CodingKey {
            case jid, name, isStoppable, state, jobType = "job-type", startTime = "start-time", endTime = "end-time", duration, maxParallelism
            case now, timestamps, vertices, statusCounts = "status-counts", plan
        }
    }

    static func jobDetails(_ detail: JobDetail, graph: JobGraph?) -> JobDetails {
        let now = SystemClock.nowMillis()
        let vertices = (detail.vertices ?? []).map { v in
            JobVertexSummary(
                id: String(v.id), name: v.name, parallelism: v.parallelism,
                maxParallelism: graph?.vertices.first { $0.id == v.id }?.maxParallelism ?? v.parallelism,
                status: v.subtasks.isEmpty ? v.status : aggregateState(v.subtasks.map(\.status)),
                startTime: detail.startTime, endTime: detail.endTime ?? -1, duration: detail.durationMillis,
                tasks: TaskCounts(v.subtasks.map(\.status)),
                metrics: IOMetrics(readRecords: v.recordsIn, readRecordsComplete: true, writeRecords: v.recordsOut, writeRecordsComplete: true))
        }
        var timestamps = [JobStatus.created.rawValue: detail.startTime]
        if let end = detail.endTime { timestamps[detail.status.rawValue] = end }
        return JobDetails(
            jid: detail.id, name: detail.name, isStoppable: false, state: detail.status.rawValue, jobType: "STREAMING",
            startTime: detail.startTime, endTime: detail.endTime ?? -1, duration: detail.durationMillis,
            maxParallelism: vertices.map(\.maxParallelism).max() ?? 1, now: now, timestamps: timestamps, vertices: vertices,
            statusCounts: TaskCounts(vertices.map(\.status)), plan: plan(detail, graph: graph))
    }

    struct Plan: Codable {
        struct Input: Codable {
            let num: Int
            let id: String
            let shipStrategy: String
            let exchange: String
            enum CodingKeys: String, CodingKey { case num, id, shipStrategy = "ship_strategy", exchange }
        }
        struct Node: Codable {
            let id: String
            let parallelism: Int
            let `operator`: String
            let operatorStrategy: String
            let description: String
            let inputs: [Input]?
            enum CodingKeys: String, CodingKey {
                case id, parallelism, `operator`, operatorStrategy = "operator_strategy", description, inputs
            }
        }
        let jid: String
        let name: String
        let type: String
        let nodes: [Node]
    }

    struct PlanAnswer: Codable { let plan: Plan }

    /// The job graph as Flink's plan: one node per vertex (operator chain), its inputs with
    /// their partitioning (Flink's ship strategy: FORWARD, HASH, REBALANCE, BROADCAST). A job
    /// that ended under an earlier leader has its vertices but no edges.
    static func plan(_ detail: JobDetail, graph: JobGraph?) -> Plan {
        guard let graph else {
            let nodes = (detail.vertices ?? []).map {
                Plan.Node(id: String($0.id), parallelism: $0.parallelism, operator: "", operatorStrategy: "", description: $0.name, inputs: nil)
            }
            return Plan(jid: detail.id, name: detail.name, type: "STREAMING", nodes: nodes)
        }
        let nodes = graph.vertices.map { vertex in
            let inputs = graph.edges.filter { $0.targetVertex == vertex.id }.enumerated().map { i, edge in
                Plan.Input(
                    num: i, id: String(edge.sourceVertex), shipStrategy: edge.streamEdge.partitioning.description, exchange: "pipelined_bounded")
            }
            return Plan.Node(
                id: String(vertex.id), parallelism: vertex.parallelism, operator: "", operatorStrategy: "", description: vertex.name,
                inputs: inputs.isEmpty ? nil : inputs)
        }
        return Plan(jid: detail.id, name: graph.jobName, type: "STREAMING", nodes: nodes)
    }

    struct ExceptionsInfo: Codable {
        struct Entry: Codable {
            let exceptionName: String
            let stacktrace: String
            let timestamp: Int64
            let taskName: String?
            let location: String?
            let concurrentExceptions: [Entry]
        }
        struct History: Codable {
            let entries: [Entry]
            let truncated: Bool
        }
        let rootException: String?
        let timestamp: Int64?
        let allExceptions: [Entry]
        let truncated: Bool
        let exceptionHistory: History
        enum CodingKeys: String, CodingKey {
            case rootException = "root-exception", timestamp, allExceptions = "all-exceptions", truncated, exceptionHistory
        }
    }

    /// The job's failures, the latest first (Flink's exception history); the root exception is
    /// the one that ended the job or caused the last restart.
    static func exceptions(_ detail: JobDetail) -> ExceptionsInfo {
        let entries = (detail.exceptions ?? []).reversed().map {
            ExceptionsInfo.Entry(
                exceptionName: "JobFailure", stacktrace: $0, timestamp: detail.endTime ?? 0, taskName: nil, location: nil, concurrentExceptions: [])
        }
        return ExceptionsInfo(
            rootException: entries.first?.stacktrace, timestamp: entries.isEmpty ? nil : detail.endTime, allExceptions: entries, truncated: false,
            exceptionHistory: .init(entries: entries, truncated: false))
    }

    struct MinMaxAvg: Codable {
        let min: Int64
        let max: Int64
        let avg: Int64
        init(_ values: [Int64]) {
            min = values.min() ?? 0
            max = values.max() ?? 0
            avg = values.isEmpty ? 0 : values.reduce(0, +) / Int64(values.count)
        }
    }

    struct CheckpointEntry: Codable {
        let className: String
        let id: Int64
        let status: String
        let isSavepoint: Bool
        let checkpointType: String
        let stateSize: Int64
        let checkpointedSize: Int64
        let endToEndDuration: Int64
        let numSubtasks: Int
        let numAcknowledgedSubtasks: Int
        var triggerTimestamp: Int64? = nil
        var latestAckTimestamp: Int64? = nil
        var failureTimestamp: Int64? = nil
        var failureMessage: String? = nil
        /// Per vertex (details only).
        var tasks: [String: TaskCheckpointStatistics]? = nil
        enum CodingKeys: String, CodingKey {
            case className, id, status, isSavepoint = "is_savepoint", checkpointType = "checkpoint_type", stateSize = "state_size"
            case checkpointedSize = "checkpointed_size", endToEndDuration = "end_to_end_duration", numSubtasks = "num_subtasks"
            case numAcknowledgedSubtasks = "num_acknowledged_subtasks", triggerTimestamp = "trigger_timestamp"
            case latestAckTimestamp = "latest_ack_timestamp", failureTimestamp = "failure_timestamp", failureMessage = "failure_message"
            case tasks
        }
    }

    /// One vertex's part in a checkpoint; with `subtasks` for its per-subtask page.
    struct TaskCheckpointStatistics: Codable {
        struct Subtask: Codable {
            let index: Int
            let status: String
            let ackTimestamp: Int64
            let endToEndDuration: Int64
            let stateSize: Int64
            enum CodingKeys: String, CodingKey {
                case index, status, ackTimestamp = "ack_timestamp", endToEndDuration = "end_to_end_duration", stateSize = "state_size"
            }
        }
        let id: String
        let status: String
        let latestAckTimestamp: Int64
        let stateSize: Int64
        let endToEndDuration: Int64
        let numSubtasks: Int
        let numAcknowledgedSubtasks: Int
        var subtasks: [Subtask]? = nil
        enum CodingKeys: String, CodingKey {
            case id, status, latestAckTimestamp = "latest_ack_timestamp", stateSize = "state_size"
            case endToEndDuration = "end_to_end_duration", numSubtasks = "num_subtasks", numAcknowledgedSubtasks = "num_acknowledged_subtasks"
            case subtasks
        }
    }

    static func checkpointEntry(_ c: CheckpointDetail, tasks: Int, detailed: Bool = false) -> CheckpointEntry {
        let triggered = c.triggeredAt
        var entry = CheckpointEntry(
            className: "completed", id: c.id, status: "COMPLETED", isSavepoint: false, checkpointType: "CHECKPOINT",
            stateSize: c.stateBytes, checkpointedSize: c.uploadedBytes, endToEndDuration: c.durationMillis, numSubtasks: tasks,
            numAcknowledgedSubtasks: tasks)
        entry.triggerTimestamp = triggered
        entry.latestAckTimestamp = triggered.map { $0 + (c.subtasks?.map(\.ackMillis).max() ?? c.durationMillis) }
        if detailed, let subtasks = c.subtasks {
            entry.tasks = Dictionary(grouping: subtasks, by: \.vertex).reduce(into: [:]) { out, group in
                out[String(group.key)] = taskCheckpointStatistics(c, vertex: group.key, subtasks: group.value, withSubtasks: false)
            }
        }
        return entry
    }

    static func taskCheckpointStatistics(
        _ c: CheckpointDetail, vertex: Int, subtasks: [SubtaskCheckpointDetail], withSubtasks: Bool
    ) -> TaskCheckpointStatistics {
        let triggered = c.triggeredAt ?? 0
        let latest = subtasks.map(\.ackMillis).max() ?? 0
        var stats = TaskCheckpointStatistics(
            id: String(vertex), status: "COMPLETED", latestAckTimestamp: triggered + latest,
            stateSize: subtasks.reduce(0) { $0 + $1.stateBytes }, endToEndDuration: latest, numSubtasks: subtasks.count,
            numAcknowledgedSubtasks: subtasks.count)
        if withSubtasks {
            stats.subtasks = subtasks.sorted { $0.subtask < $1.subtask }.map {
                .init(
                    index: $0.subtask, status: "completed", ackTimestamp: triggered + $0.ackMillis, endToEndDuration: $0.ackMillis,
                    stateSize: $0.stateBytes)
            }
        }
        return stats
    }

    static func failedEntry(_ f: FailedCheckpointDetail, tasks: Int) -> CheckpointEntry {
        var entry = CheckpointEntry(
            className: "failed", id: f.id, status: "FAILED", isSavepoint: false, checkpointType: "CHECKPOINT", stateSize: 0,
            checkpointedSize: 0, endToEndDuration: f.failedAt - f.triggeredAt, numSubtasks: tasks, numAcknowledgedSubtasks: 0)
        entry.triggerTimestamp = f.triggeredAt
        entry.failureTimestamp = f.failedAt
        entry.failureMessage = f.reason
        return entry
    }

    struct CheckpointingStatistics: Codable {
        struct Counts: Codable {
            let restored: Int
            let total: Int
            let inProgress: Int
            let completed: Int
            let failed: Int
            enum CodingKeys: String, CodingKey { case restored, total, inProgress = "in_progress", completed, failed }
        }
        struct Summary: Codable {
            let stateSize: MinMaxAvg
            let checkpointedSize: MinMaxAvg
            let endToEndDuration: MinMaxAvg
            enum CodingKeys: String, CodingKey {
                case stateSize = "state_size", checkpointedSize = "checkpointed_size", endToEndDuration = "end_to_end_duration"
            }
        }
        struct Latest: Codable {
            let completed: CheckpointEntry?
            let failed: CheckpointEntry?
        }
        let counts: Counts
        let summary: Summary
        let latest: Latest
        let history: [CheckpointEntry]
    }

    /// Completed and failed checkpoints, newest first (the latest ten); in-flight ones are counted.
    static func checkpointStatistics(_ job: JobDetail) -> CheckpointingStatistics {
        let completed = job.checkpoints ?? []
        let failures = job.checkpointFailures ?? []
        let failed = job.failedCheckpoints ?? failures.count
        let inProgress = job.inProgressCheckpoints ?? 0
        let completedCount = job.completedCheckpoints ?? completed.count
        let tasks = taskCount(job)
        let entries = completed.map { checkpointEntry($0, tasks: tasks) } + failures.map { failedEntry($0, tasks: tasks) }
        let history = entries.sorted { $0.id > $1.id }.prefix(10)
        return CheckpointingStatistics(
            counts: .init(
                restored: 0, total: completedCount + failed + inProgress, inProgress: inProgress, completed: completedCount,
                failed: failed),
            summary: .init(
                stateSize: MinMaxAvg(completed.map(\.stateBytes)), checkpointedSize: MinMaxAvg(completed.map(\.uploadedBytes)),
                endToEndDuration: MinMaxAvg(completed.map(\.durationMillis))),
            latest: .init(
                completed: completed.last.map { checkpointEntry($0, tasks: tasks) }, failed: failures.last.map { failedEntry($0, tasks: tasks) }),
            history: Array(history))
    }

    struct CheckpointConfigInfo: Codable {
        let mode: String
        let interval: Int64
        let timeout: Int64
        let minPause: Int64
        let maxConcurrent: Int
        let tolerableFailedCheckpoints: Int
        let stateBackend: String
        let checkpointStorage: String
        let unalignedCheckpoints: Bool
        enum CodingKeys: String, CodingKey {
            case mode, interval, timeout, minPause = "min_pause", maxConcurrent = "max_concurrent"
            case tolerableFailedCheckpoints = "tolerable_failed_checkpoints", stateBackend = "state_backend"
            case checkpointStorage = "checkpoint_storage", unalignedCheckpoints = "unaligned_checkpoints"
        }
    }

    static func checkpointConfig(_ job: JobMaster) -> CheckpointConfigInfo {
        let c = job.checkpointConfig
        let backend = job.built.graph.configuration.usesRocksDB ? "EmbeddedRocksDBStateBackend" : "HashMapStateBackend"
        return CheckpointConfigInfo(
            mode: c.exactlyOnce ? "exactly_once" : "at_least_once", interval: c.intervalMillis > 0 ? c.intervalMillis : Int64.max,
            timeout: c.timeoutMillis, minPause: c.minPauseMillis, maxConcurrent: c.maxConcurrent, tolerableFailedCheckpoints: c.tolerableFailures,
            stateBackend: backend, checkpointStorage: c.directory.isEmpty ? "JobManagerCheckpointStorage" : "FileSystemCheckpointStorage",
            unalignedCheckpoints: false)
    }

    struct SubtaskInfo: Codable {
        let subtask: Int
        let status: String
        let attempt: Int
        let host: String
        let taskmanagerID: String
        let startTime: Int64
        let duration: Int64
        let metrics: IOMetrics
        enum CodingKeys: String, CodingKey {
            case subtask, status, attempt, host, taskmanagerID = "taskmanager-id", startTime = "start-time", duration, metrics
        }
    }

    struct VertexDetails: Codable {
        let id: String
        let name: String
        let parallelism: Int
        let now: Int64
        let subtasks: [SubtaskInfo]
    }

    static func vertexDetails(_ job: JobDetail, _ vertex: VertexDetail) -> VertexDetails {
        VertexDetails(
            id: String(vertex.id), name: vertex.name, parallelism: vertex.parallelism, now: SystemClock.nowMillis(),
            subtasks: vertex.subtasks.map { s in
                SubtaskInfo(
                    subtask: s.subtask, status: s.status, attempt: job.attempt, host: s.taskManager ?? "", taskmanagerID: s.taskManager ?? "",
                    startTime: job.startTime, duration: job.durationMillis,
                    metrics: IOMetrics(readRecords: s.recordsIn, readRecordsComplete: true, writeRecords: s.recordsOut, writeRecordsComplete: true))
            })
    }

    struct BackPressureInfo: Codable {
        struct Subtask: Codable {
            let subtask: Int
            let backpressureLevel: String
            let ratio: Double
            let idleRatio: Double
            let busyRatio: Double
            enum CodingKeys: String, CodingKey { case subtask, backpressureLevel = "backpressure-level", ratio, idleRatio, busyRatio }
        }
        let status: String
        let backpressureLevel: String
        let endTimestamp: Int64
        let subtasks: [Subtask]
        enum CodingKeys: String, CodingKey { case status, backpressureLevel = "backpressure-level", endTimestamp = "end-timestamp", subtasks }
    }

    /// Flink's levels: ok up to 10 % of the time blocked on output, low up to 50 %, high above.
    static func level(_ ratio: Double) -> String { ratio <= 0.1 ? "ok" : ratio <= 0.5 ? "low" : "high" }

    static func backPressure(_ vertex: VertexDetail) -> BackPressureInfo {
        BackPressureInfo(
            status: "ok", backpressureLevel: level(vertex.backPressureRatio), endTimestamp: SystemClock.nowMillis(),
            subtasks: vertex.subtasks.map {
                .init(
                    subtask: $0.subtask, backpressureLevel: level($0.backPressureRatio), ratio: $0.backPressureRatio,
                    idleRatio: max(0, 1 - $0.busyRatio - $0.backPressureRatio), busyRatio: $0.busyRatio)
            })
    }

    struct TaskManagerInfo: Codable {
        /// The process's resource use at its last heartbeat (Rivulet's; Flink reports JVM heap here).
        struct ProcessInfo: Codable {
            let cpuLoad: Double
            let cpuTimeMillis: Int64
            let memoryRSS: Int64
            let threads: Int
            let startTime: Int64
        }
        let id: String
        let path: String
        let dataPort: Int
        let timeSinceLastHeartbeat: Int64
        let slotsNumber: Int
        let freeSlots: Int
        let process: ProcessInfo?
    }

    static func taskManagerInfo(_ tm: TaskManagerSummary) -> TaskManagerInfo {
        TaskManagerInfo(
            id: tm.id, path: "\(tm.host):\(tm.rpcPort)", dataPort: tm.dataPort, timeSinceLastHeartbeat: tm.millisSinceHeartbeat,
            slotsNumber: tm.slots, freeSlots: tm.freeSlots,
            process: tm.status.map {
                .init(
                    cpuLoad: tm.cpuLoad, cpuTimeMillis: $0.cpuNanos / 1_000_000, memoryRSS: $0.rssBytes, threads: $0.threads,
                    startTime: $0.startTimeMillis)
            })
    }

    struct TaskManagersInfo: Codable { let taskmanagers: [TaskManagerInfo] }

    struct SavepointTrigger: Codable {
        let targetDirectory: String?
        let cancelJob: Bool?
        enum CodingKeys: String, CodingKey { case targetDirectory = "target-directory", cancelJob = "cancel-job" }
    }

    struct StopTrigger: Codable {
        let targetDirectory: String?
        let drain: Bool?
    }

    struct TriggerAnswer: Codable {
        let requestID: String
        enum CodingKeys: String, CodingKey { case requestID = "request-id" }
    }

    struct OperationStatus: Codable {
        struct Status: Codable { let id: String }
        struct Operation: Codable {
            let location: String?
            let failureCause: FailureCause?
            enum CodingKeys: String, CodingKey { case location, failureCause = "failure-cause" }
        }
        struct FailureCause: Codable {
            let className: String
            let stackTrace: String
            let serializedThrowable: String?
            enum CodingKeys: String, CodingKey {
                case className = "class", stackTrace = "stack-trace", serializedThrowable = "serialized-throwable"
            }
        }
        let status: Status
        let operation: Operation?
    }

    static func operationStatus(_ outcome: AsyncOperations.Outcome) -> OperationStatus {
        switch outcome {
        case .inProgress: return OperationStatus(status: .init(id: "IN_PROGRESS"), operation: nil)
        case .completed(let path): return OperationStatus(status: .init(id: "COMPLETED"), operation: .init(location: path, failureCause: nil))
        case .failed(let reason):
            return OperationStatus(
                status: .init(id: "COMPLETED"),
                operation: .init(location: nil, failureCause: .init(className: "SavepointFailure", stackTrace: reason, serializedThrowable: reason)))
        }
    }
}

/// Savepoints and stops started by a REST call, by request id (Flink's asynchronous
/// operations): the caller polls the id until the operation completed or failed. Outcomes
/// are kept for the JobManager's life, at most `limit` of them (the oldest go first).
final class AsyncOperations: Sendable {
    enum Outcome: Sendable {
        case inProgress
        case completed(String)
        case failed(String)
    }

    struct Entry {
        let job: String
        var outcome: Outcome
        var isInProgress: Bool {
            if case .inProgress = outcome { return true }
            return false
        }
    }

    let entries = Mutex<(byID: [String: Entry], order: [String])>(([:], []))
    let limit: Int

    init(limit: Int = 1000) {
        self.limit = limit
    }

    /// Starts `body` and returns the id to poll.
    func start(job: String, _ body: @escaping @Sendable () async throws -> String) -> String {
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        entries.withLock { e in
            e.byID[id] = Entry(job: job, outcome: .inProgress)
            e.order.append(id)
            // Past the limit, the oldest finished operations go (one in progress stays).
            while e.order.count > limit, let index = e.order.firstIndex(where: { e.byID[$0].map { !$0.isInProgress } ?? true }) {
                e.byID[e.order.remove(at: index)] = nil
            }
        }
        Task {
            let outcome: Outcome
            do { outcome = .completed(try await body()) } catch { outcome = .failed("\(error)") }
            entries.withLock { $0.byID[id]?.outcome = outcome }
        }
        return id
    }

    /// The outcome of operation `id` of `job`, or nil when there is none.
    func outcome(_ id: String, job: String) -> Outcome? {
        entries.withLock { e in e.byID[id].flatMap { $0.job == job ? $0.outcome : nil } }
    }
}
