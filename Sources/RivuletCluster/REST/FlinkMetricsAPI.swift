// Flink's metric, watermark and TaskManager log endpoints of the REST API.

import Foundation
import Hummingbird
import NIOCore
import RivuletRuntime

/// The REST paths through which Flink's dashboard and scripts read metrics: a list of
/// `{"id": name}` without a query, `{"id", "value"}` for the names in `?get=a,b`; the
/// watermarks of a vertex's subtasks; and a TaskManager's log files, fetched from the
/// TaskManager over its gateway.
enum FlinkMetricsAPI {
    struct Metric: Codable, Equatable {
        let id: String
        let value: String?
    }

    static func register(on router: Router<BasicRequestContext>, dispatcher: Dispatcher) {
        let rm = dispatcher.resourceManager
        router.get("/jobs/:jobid/vertices/:vertexid/metrics") { request, context in
            await RestServer.answer {
                RestServer.json(select(subtaskMetrics(try FlinkRestAPI.vertex(dispatcher, context).1), request))
            }
        }
        router.get("/jobs/:jobid/vertices/:vertexid/watermarks") { _, context in
            await RestServer.answer {
                let vertex = try FlinkRestAPI.vertex(dispatcher, context).1
                return RestServer.json(
                    vertex.subtasks.map { Metric(id: "\($0.subtask).currentInputWatermark", value: String($0.inputWatermark ?? Int64.min)) })
            }
        }
        router.get("/taskmanagers/:taskmanagerid/metrics") { request, context in
            await RestServer.answer { RestServer.json(select(processMetrics(try taskManager(rm, context)), request)) }
        }
        router.get("/jobmanager/metrics") { request, _ in
            await RestServer.answer {
                let c = dispatcher.counts
                var values = processMetrics(status: .current(), cpuLoad: nil)
                values["numRegisteredTaskManagers"] = String(c.taskManagers)
                values["taskSlotsTotal"] = String(c.slotsTotal)
                values["taskSlotsAvailable"] = String(c.slotsAvailable)
                values["numRunningJobs"] = String(c.running)
                return RestServer.json(select(values, request))
            }
        }
        router.get("/taskmanagers/:taskmanagerid/logs") { _, context in
            await RestServer.answer {
                let answer = try await gateway(rm, context).requestLog(name: nil, maxBytes: 0)
                return RestServer.json(FlinkRestAPI.LogList(logs: answer.files))
            }
        }
        router.get("/taskmanagers/:taskmanagerid/logs/:name") { _, context in
            await RestServer.answer {
                let name = try context.parameters.require("name")
                let answer = try await gateway(rm, context).requestLog(name: name, maxBytes: FlinkRestAPI.logTailBytes)
                return try FlinkRestAPI.logResponse(answer.content, name: name, process: "TaskManager", kept: !answer.files.isEmpty)
            }
        }
    }

    /// Flink's answer to a metrics request: the names without `get`, else the named values
    /// (unknown names left out, as Flink does).
    static func select(_ values: [String: String], _ request: Request) -> [Metric] {
        guard let get = request.uri.queryParameters.get("get") else {
            return values.keys.sorted().map { Metric(id: $0, value: nil) }
        }
        return get.split(separator: ",").map(String.init).compactMap { id in values[id].map { Metric(id: id, value: $0) } }
    }

    /// A vertex's metrics as Flink names them: `<subtask>.<metric>`.
    static func subtaskMetrics(_ vertex: VertexDetail) -> [String: String] {
        var values: [String: String] = [:]
        for s in vertex.subtasks {
            let p = "\(s.subtask)."
            values[p + "numRecordsIn"] = String(s.recordsIn)
            values[p + "numRecordsOut"] = String(s.recordsOut)
            values[p + "numRecordsInPerSecond"] = String(s.recordsInPerSecond)
            values[p + "numRecordsOutPerSecond"] = String(s.recordsOutPerSecond)
            values[p + "busyTimeMsPerSecond"] = String(s.busyRatio * 1000)
            values[p + "backPressuredTimeMsPerSecond"] = String(s.backPressureRatio * 1000)
            values[p + "idleTimeMsPerSecond"] = String(max(0, 1 - s.busyRatio - s.backPressureRatio) * 1000)
            values[p + "currentInputWatermark"] = String(s.inputWatermark ?? Int64.min)
            values[p + "currentOutputWatermark"] = String(s.outputWatermark ?? Int64.min)
            values[p + "buffers.outPoolUsage"] = String(s.outPoolUsage)
            values[p + "buffers.inPoolUsage"] = String(s.inPoolUsage)
        }
        return values
    }

    /// A process's `Status.Process.*` metrics.
    static func processMetrics(status: ProcessStatus?, cpuLoad: Double?) -> [String: String] {
        guard let status else { return [:] }
        var values = [
            "Status.Process.CPU.Time": String(status.cpuNanos / 1_000_000),
            "Status.Process.Memory.RSS": String(status.rssBytes),
            "Status.Process.Threads.Count": String(status.threads),
        ]
        if let cpuLoad { values["Status.Process.CPU.Load"] = String(cpuLoad) }
        return values
    }

    static func processMetrics(_ tm: TaskManagerSummary) -> [String: String] {
        processMetrics(status: tm.status, cpuLoad: tm.cpuLoad)
    }

    static func taskManager(_ rm: ResourceManager, _ context: BasicRequestContext) throws -> TaskManagerSummary {
        let id = try context.parameters.require("taskmanagerid")
        guard let tm = rm.summaries.first(where: { $0.id == id }) else {
            throw RestServer.RequestError(status: 404, message: "no TaskManager '\(id)' is registered")
        }
        return tm
    }

    static func gateway(_ rm: ResourceManager, _ context: BasicRequestContext) throws -> any TaskExecutorGateway {
        let id = try context.parameters.require("taskmanagerid")
        guard let connection = rm.connection(id) else {
            throw RestServer.RequestError(status: 404, message: "no TaskManager '\(id)' is registered")
        }
        return connection.gateway
    }
}
