// One HTTP/1.1 exchange over SwiftNIO, plain or TLS: what the CLI speaks to the REST API
// (Foundation's URLSession on Linux cannot trust a cluster's own CA).

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RivuletCluster

/// Sends one request on a new connection and returns the response's status and body.
enum HTTPConnection {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func exchange(
        host: String, port: Int, tls: TLSConfiguration?, method: String, path: String, headers: [(String, String)], body: Data?,
        timeout: TimeAmount
    ) async throws -> (status: Int, body: Data) {
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: (Int, Data).self)
        let literal = ConfiguredHost(host).literal
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        // An address literal is no server name (SNI); the certificate must name the address.
        let serverName: String? = {
            if case .name(let name) = ConfiguredHost(host) { return name }
            return nil
        }()
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(10))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let context {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
                    }
                }
                .connect(host: literal, port: port).get()
        } catch {
            promise.fail(error)
            throw error
        }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path)
        head.headers.add(name: "Host", value: ConfiguredHost(host).with(port: port))
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: String(body?.count ?? 0))
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timer = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(Failure(description: "no answer within \(timeout.nanoseconds / 1_000_000_000) s"))
            channel.close(promise: nil)
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects one response: its status, then its body, until the end.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    // Safe: NIO calls a handler only on its channel's event loop, so `status` and `body` are
    // touched by one thread; the promise is thread-safe.
    typealias InboundIn = HTTPClientResponsePart
    let promise: EventLoopPromise<(Int, Data)>
    var status = 0
    var body = Data()

    init(promise: EventLoopPromise<(Int, Data)>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var buffer): body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end: promise.succeed((status, body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPConnection.Failure(description: "the connection closed before the answer was complete"))
        context.fireChannelInactive()
    }
}
