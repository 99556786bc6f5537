// The JobManager's REST API (Rivulet's JSON under /v1, Flink's paths and shapes beside it)
// and Prometheus metrics, served by Hummingbird.

import Foundation
import Hummingbird
import Logging
import NIOCore
import RivuletRuntime

/// Builds the REST application of a JobManager.
public enum RestServer {
    /// Answer of a refused request: `{"error": message}` with a 4xx or 5xx status.
    struct ErrorBody: Codable { let error: String }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The Prometheus text exposition of `registry`.
    static func metrics(_ registry: MetricRegistry) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: registry.exposition())))
    }

    static func error(_ status: Int, _ message: String) -> Response {
        json(ErrorBody(error: message), status: HTTPResponse.Status(code: status))
    }

    /// Runs `body`, turning refusals into 4xx answers with a message.
    static func answer(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let e as DispatcherError {
            return error(e.status, e.description)
        } catch let e as RequestError {
            return error(e.status, e.message)
        } catch let e as CheckpointFailure {
            return error(409, e.description)
        } catch let e as ClusterError {
            return error(409, e.description)
        } catch let e as DecodingError {
            return error(400, "malformed JSON body: \(describe(e))")
        } catch let e as HTTPError {
            return error(Int(e.status.code), e.body ?? "\(e.status.reasonPhrase)")
        } catch {
            return Self.error(500, "\(error)")
        }
    }

    struct RequestError: Error {
        let status: Int
        let message: String
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return c.debugDescription
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let c): return "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))': \(c.debugDescription)"
        case .valueNotFound(_, let c): return "missing value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        @unknown default: return "\(error)"
        }
    }

    /// Reads a JSON body of at most `limit` bytes.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw RequestError(status: 413, message: "request body exceeds the limit of \(limit) bytes (rest.server.max-content-length)")
        }
        guard buffer.readableBytes > 0 else { throw RequestError(status: 400, message: "the request needs a JSON body") }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    struct Overview: Codable {
        let taskManagers: Int
        let slotsTotal: Int
        let slotsAvailable: Int
        let jobsRunning: Int
        let jobsFinished: Int
        let jobsCancelled: Int
        let jobsFailed: Int
        let leaderSessionID: String
    }
    struct Submitted: Codable { let jobID: String }
    /// `POST /v1/sql`: one job of a SQL script (`statement`: 0 for its first INSERT, statement
    /// set or query), run as the catalog's `sql` job.
    struct SQLSubmission: Codable {
        let script: String
        let statement: Int?
        let parallelism: Int?
        let configuration: [String: String]?
    }
    struct SavepointRequest: Codable { let directory: String }
    struct SavepointAnswer: Codable { let path: String }
    struct Jobs: Codable { let jobs: [JobDetail] }
    struct TaskManagers: Codable { let taskManagers: [TaskManagerSummary] }
    struct Catalog: Codable {
        struct Entry: Codable { let name: String; let summary: String }
        let jobs: [Entry]
    }

    /// Job `id` as it is now, or as it ended under an earlier leader.
    static func detail(_ dispatcher: Dispatcher, _ id: String) throws -> JobDetail {
        try dispatcher.lookup(id).detail
    }

    /// The router of every endpoint.
    static func router(dispatcher: Dispatcher, maxBodyBytes: Int) -> Router<BasicRequestContext> {
        let router = Router()
        let rm = dispatcher.resourceManager
        router.get("/v1/overview") { _, _ in
            await answer {
                let c = dispatcher.counts
                return json(
                    Overview(
                        taskManagers: c.taskManagers, slotsTotal: c.slotsTotal, slotsAvailable: c.slotsAvailable, jobsRunning: c.running,
                        jobsFinished: c.finished, jobsCancelled: c.cancelled, jobsFailed: c.failed, leaderSessionID: rm.leaderSessionID))
            }
        }
        router.get("/v1/catalog") { _, _ in
            await answer { json(Catalog(jobs: dispatcher.catalog.jobs.map { .init(name: $0.name, summary: $0.summary) })) }
        }
        router.get("/v1/jobs") { _, _ in
            await answer { json(Jobs(jobs: dispatcher.listedJobs(full: false))) }
        }
        router.post("/v1/jobs") { request, _ in
            await answer {
                let submission = try await decode(JobSubmission.self, from: request, limit: maxBodyBytes)
                return json(Submitted(jobID: try await dispatcher.submit(submission)), status: .accepted)
            }
        }
        router.post("/v1/sql") { request, _ in
            await answer {
                let body = try await decode(SQLSubmission.self, from: request, limit: maxBodyBytes)
                let submission = JobSubmission(
                    job: "sql", arguments: ["--script", body.script, "--statement", String(body.statement ?? 0)], parallelism: body.parallelism,
                    configuration: body.configuration)
                return json(Submitted(jobID: try await dispatcher.submit(submission)), status: .accepted)
            }
        }
        router.get("/v1/jobs/:id") { _, context in
            await answer { json(try detail(dispatcher, try context.parameters.require("id"))) }
        }
        router.get("/v1/jobs/:id/checkpoints") { _, context in
            await answer { json(try detail(dispatcher, try context.parameters.require("id")).checkpoints ?? []) }
        }
        router.post("/v1/jobs/:id/cancel") { _, context in
            await answer {
                let job = try dispatcher.job(try context.parameters.require("id"))
                guard !job.status.isTerminal else {
                    throw RequestError(status: 409, message: "job \(job.jobID) already ended (\(job.status.rawValue))")
                }
                job.cancel()
                return json(job.detail(full: false), status: .accepted)
            }
        }
        router.post("/v1/jobs/:id/savepoints") { request, context in
            await answer {
                let job = try dispatcher.job(try context.parameters.require("id"))
                let body = try await decode(SavepointRequest.self, from: request, limit: maxBodyBytes)
                try dispatcher.checkSavepointDirectory(body.directory)
                return json(SavepointAnswer(path: try await job.triggerSavepoint(into: body.directory)))
            }
        }
        router.post("/v1/jobs/:id/stop") { request, context in
            await answer {
                let job = try dispatcher.job(try context.parameters.require("id"))
                let body = try await decode(SavepointRequest.self, from: request, limit: maxBodyBytes)
                try dispatcher.checkSavepointDirectory(body.directory)
                return json(SavepointAnswer(path: try await job.stop(savepointDirectory: body.directory)))
            }
        }
        router.get("/v1/taskmanagers") { _, _ in
            await answer { json(TaskManagers(taskManagers: rm.summaries)) }
        }
        FlinkRestAPI.register(on: router, dispatcher: dispatcher, operations: AsyncOperations(), maxBodyBytes: maxBodyBytes)
        WebUI.shared.register(on: router)
        return router
    }
}
