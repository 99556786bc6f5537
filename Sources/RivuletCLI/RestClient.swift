// The CLI's client of the JobManager's REST API.

import Foundation
import NIOSSL
import RivuletCluster

/// A refused or failed REST call, with the JobManager's message.
struct RestClientError: Error, CustomStringConvertible {
    let description: String
}

/// The JobManager's answer to a refused request.
struct RestErrorBody: Decodable { let error: String }

/// JSON over HTTP (or HTTPS, `security.ssl.rest.enabled`) to `host:port/v1/...`.
struct RestClient: Sendable {
    let host: String
    let port: Int
    /// The REST token (`security.rest.authentication.token` or `RIVULET_REST_TOKEN`), if any.
    var token: String? = nil
    /// TLS to speak, with the CA to trust (`security.ssl.rest.ca`); nil: plain HTTP.
    var tls: TLSConfiguration? = nil

    var base: String { "\(tls == nil ? "http" : "https")://\(ConfiguredHost(host).with(port: port))" }

    func get<T: Decodable>(_ path: String, as: T.Type = T.self) async throws -> T {
        try await call("GET", path, body: Optional<JobSubmission>.none)
    }

    func post<T: Decodable, B: Encodable>(_ path: String, body: B?, as: T.Type = T.self) async throws -> T {
        try await call("POST", path, body: body)
    }

    func call<T: Decodable, B: Encodable>(_ method: String, _ path: String, body: B?) async throws -> T {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let encoded = try body.map { try JSONEncoder().encode($0) }
        if encoded != nil { headers.append(("Content-Type", "application/json")) }
        let status: Int, data: Data
        do {
            (status, data) = try await HTTPConnection.exchange(
                host: host, port: port, tls: tls, method: method, path: path, headers: headers, body: encoded, timeout: .seconds(600))
        } catch {
            throw RestClientError(description: "cannot reach the JobManager's REST API at \(base): \(error)")
        }
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
