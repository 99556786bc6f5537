// A source of the lines read from a TCP server (Flink's socketTextStream); ends when the peer closes.

import Foundation

/// Connects to `host:port` and emits each line it receives (parallelism 1).
public struct SocketTextSource: Source {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var maxSourceParallelism: Int? { 1 }

    public func createReader(subtaskIndex: Int, parallelism: Int) throws -> Reader {
        guard (1...65535).contains(port) else { throw ConnectorError("socket port must be 1...65535, got \(port)") }
        return Reader(host: host, port: port)
    }

    /// Reads the socket without blocking the task for more than a few milliseconds.
    public struct Reader: SourceReader {
        let host: String
        let port: Int
        var fd: Int32 = -1
        var buffer: [UInt8] = []

        public mutating func open(_ context: OperatorContext) throws {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            let rc = getaddrinfo(host, String(port), &hints, &result)
            guard rc == 0, let first = result else {
                throw ConnectorError("cannot resolve socket source host '\(host)': \(String(cString: gai_strerror(rc)))")
            }
            defer { freeaddrinfo(result) }
            var lastError = "no address"
            var ai: UnsafeMutablePointer<addrinfo>? = first
            while let a = ai {
                let s = socket(a.pointee.ai_family, a.pointee.ai_socktype, a.pointee.ai_protocol)
                if s >= 0 {
                    if connect(s, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
                        fd = s
                        return
                    }
                    lastError = ConnectorError.errnoText()
                    Glibc.close(s)
                }
                ai = a.pointee.ai_next
            }
            throw ConnectorError("cannot connect socket source to \(host):\(port): \(lastError)")
        }

        public mutating func pollNext(_ emit: (String, Int64) throws -> Void) throws -> SourcePollResult {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 20)
            if ready < 0 && errno != EINTR { throw ConnectorError("socket source \(host):\(port): \(ConnectorError.errnoText())") }
            // Nothing arrived within the poll: let the task flush what it buffered and look at
            // its mail before polling again.
            if ready <= 0 { return .nothingAvailable(retryAt: SystemClock.nowMillis()) }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { return .nothingAvailable(retryAt: SystemClock.nowMillis()) }
                throw ConnectorError("socket source \(host):\(port): \(ConnectorError.errnoText())")
            }
            if n == 0 {
                if !buffer.isEmpty { try emit(String(decoding: buffer, as: UTF8.self), Int64.min) }
                buffer.removeAll()
                return .endOfInput
            }
            buffer.append(contentsOf: chunk[0..<n])
            var start = 0
            while let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = nl
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                try emit(String(decoding: buffer[start..<end], as: UTF8.self), Int64.min)
                start = nl + 1
            }
            buffer.removeSubrange(0..<start)
            return .moreAvailable
        }

        public mutating func close() throws {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
