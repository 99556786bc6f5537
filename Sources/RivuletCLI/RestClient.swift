// The CLI's client of the JobManager's REST API.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RivuletCluster

/// A refused or failed REST call, with the JobManager's message.
struct RestClientError: Error, CustomStringConvertible {
    let description: String
}

/// The JobManager's answer to a refused request.
struct RestErrorBody: Decodable { let error: String }

/// JSON over HTTP to `http://host:port/v1/...`.
struct RestClient: Sendable {
    let host: String
    let port: Int
    /// The REST token (`security.rest.authentication.token` or `RIVULET_REST_TOKEN`), if any.
    var token: String? = nil

    var base: String { "http://\(host):\(port)" }

    func get<T: Decodable>(_ path: String, as: T.Type = T.self) async throws -> T {
        try await call("GET", path, body: Optional<JobSubmission>.none)
    }

    func post<T: Decodable, B: Encodable>(_ path: String, body: B?, as: T.Type = T.self) async throws -> T {
        try await call("POST", path, body: body)
    }

    func call<T: Decodable, B: Encodable>(_ method: String, _ path: String, body: B?) async throws -> T {
        guard let url = URL(string: base + path) else { throw RestClientError(description: "bad JobManager address \(base)") }
        var request = URLRequest(url: url, timeoutInterval: 600)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONEncoder().encode(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw RestClientError(description: "cannot reach the JobManager's REST API at \(host):\(port): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            let message = (try? JSONDecoder().decode(RestErrorBody.self, from: data).error) ?? String(decoding: data, as: UTF8.self)
            throw RestClientError(description: "\(message) (HTTP \(status))")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw RestClientError(description: "unexpected answer from \(path): \(error)")
        }
    }
}
