// Source idleness end to end: a silent source marked idle does not hold back the watermark.

import XCTest
import Foundation
import Rivulet
import RivuletCore

final class IdlenessJobTests: XCTestCase {
    /// A TCP server on 127.0.0.1 that accepts one client and sends nothing until closed.
    final class SilentServer: Sendable {
        let port: Int
        let listener: Int32
        let client = Mutex<Int32>(-1)

        init() throws {
            listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let fd = listener
            let ok = withUnsafeMutablePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &len) == 0 }
            }
            guard ok else { throw POSIXError(.EADDRINUSE) }
            port = Int(UInt16(bigEndian: addr.sin_port))
            Thread.detachNewThread { [self] in
                let c = accept(fd, nil, nil)
                client.withLock { $0 = c }
            }
        }

        func close() {
            client.withLock { if $0 >= 0 { shutdown($0, Int32(SHUT_RDWR)); Glibc.close($0) } }
            Glibc.close(listener)
        }
    }

    func testIdleSourceDoesNotHoldBackWindowsOfTheActiveSource() throws {
        let server = try SilentServer()
        defer { server.close() }
        let env = try environment()
        let silent = env.socketTextStream(host: "127.0.0.1", port: server.port)
            .map { Event(key: $0, timestamp: 0) }
            .assignTimestampsAndWatermarks(punctuated(delay: 0) { $0.timestamp }.withIdleness(.milliseconds(100)))
        let active = env.generate(count: nil, recordsPerSecond: 2000) { i, _ in Event(key: "k", timestamp: i) }
            .assignTimestampsAndWatermarks(punctuated(delay: 0) { $0.timestamp })
        let windows = CollectedValues<String>()
        active.union(silent)
            .keyBy { $0.key }
            .window(try TumblingEventTimeWindows.of(size: .milliseconds(100)))
            .aggregate(CountEvents(), LabelWindow())
            .collect(into: windows)
        let graph = try env.streamGraph(jobName: "idleness").normalized()
        let jobGraph = try JobGraphGenerator.createJobGraph(graph.topology)
        let cluster = MiniCluster()
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            _ = try? cluster.execute(graph, jobGraph: jobGraph)
            finished.signal()
        }
        // Without idleness the silent source's watermark (none) would block every window.
        let deadline = Date().addingTimeInterval(10)
        while windows.values.isEmpty && Date() < deadline { usleep(20_000) }
        cluster.cancel()
        XCTAssertEqual(finished.wait(timeout: .now() + 10), .success, "cancel must stop the job")
        XCTAssertTrue(windows.values.contains("k [0,100) 100"), "windows fired: \(windows.values.prefix(3))")
    }
}

import Synchronization
