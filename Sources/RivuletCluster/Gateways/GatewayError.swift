// Why a call through a gateway failed, in terms every transport (gRPC, in-process) shares.

/// A failed gateway call. The caller decides by `kind` (retry, fail over, give up); the
/// message says what happened for logs and REST answers.
package struct GatewayError: Error, CustomStringConvertible, Sendable {
    package enum Kind: Sendable, Equatable {
        /// The peer could not be reached or did not answer in time: it may be gone.
        case unreachable
        /// The request can never succeed (a descriptor that does not decode, a job that does not build).
        case invalidRequest
        /// The peer refused in its present state: a stale leader session (fencing), a slot held by another.
        case refused
        /// Anything else the peer reported.
        case failed
    }

    package let kind: Kind
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }

    /// The refusal of a call from leader session `received` by a process that follows `expected`.
    package static func fenced(_ received: String, expected: String?) -> GatewayError {
        GatewayError(.refused, "leader session id \(received.isEmpty ? "(none)" : received) is not the current one (\(expected ?? "not registered"))")
    }
}
