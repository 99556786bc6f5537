// Who may call the REST API: a bearer token (security.rest.authentication.token).

import Foundation
import Hummingbird
import Logging

/// Checks `Authorization: Bearer <token>` on every request but the Web UI's static files
/// (which hold no data: the UI asks for the token and sends it with its calls). A request
/// without the token is answered 401 before anything runs, and logged.
struct RestAuthenticator: Sendable {
    /// The expected token's bytes; nil: authentication is off.
    let token: [UInt8]?
    let logger: Logger

    init(token: String?, logger: Logger) {
        self.token = token.map { Array($0.utf8) }
        self.logger = logger
    }

    /// Paths anyone may fetch: the Web UI's own files.
    static func isPublic(_ path: String) -> Bool { path == "/" || path.hasPrefix("/web/") }

    /// Nil when `request` may go on; else the 401 to answer.
    func refusal(_ request: Request) -> Response? {
        guard let token, !Self.isPublic(request.uri.path) else { return nil }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        if header.hasPrefix(prefix), Self.constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), token) { return nil }
        let why = header.isEmpty ? "no credentials" : "wrong credentials"
        logger.warning("refused \(request.method) \(request.uri.path): \(why)")
        var response = RestServer.error(
            401, "\(why): this cluster's REST API needs 'Authorization: Bearer <token>' (security.rest.authentication.token)")
        response.headers[.wwwAuthenticate] = "Bearer realm=\"rivulet\""
        return response
    }

    /// Compares without stopping at the first difference (the time says nothing of the token).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0
    }
}
