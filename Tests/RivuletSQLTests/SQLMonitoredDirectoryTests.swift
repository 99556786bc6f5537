// A filesystem table with 'source.monitor-interval': a query over a directory keeps running and
// reads the files that appear in it.

import Foundation
import Rivulet
import RivuletSQL
import RivuletTesting
import Synchronization
import XCTest

final class SQLMonitoredDirectoryTests: XCTestCase {
    func testAQueryOverAMonitoredDirectoryReadsFilesThatAppearLater() throws {
        let directory = try temporaryDirectory()
        func publish(_ rows: ClosedRange<Int>, as name: String) throws {
            try (rows.map { "\($0),item-\($0)" }.joined(separator: "\n") + "\n").write(
                toFile: "\(directory)/.\(name)", atomically: false, encoding: .utf8)
            XCTAssertEqual(rename("\(directory)/.\(name)", "\(directory)/\(name)"), 0)
        }
        try publish(1...30, as: "a.csv")
        let printed = CollectedValues<String>()
        let script = try SQLScript(
            """
            CREATE TABLE items (id BIGINT, name STRING)
              WITH ('connector' = 'filesystem', 'path' = '\(directory)', 'format' = 'csv', 'source.monitor-interval' = '50 ms');
            CREATE TABLE shown (id BIGINT, name STRING) WITH ('connector' = 'print');
            INSERT INTO shown SELECT id, UPPER(name) FROM items WHERE MOD(id, 3) = 0;
            """, connectors: TableConnectors.builtIn.adding([CollectingPrintConnector(into: printed)]))
        let cluster = MiniCluster()
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<(any Error)?>(nil)
        Thread {
            do {
                let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "2"]))
                try script.build(job: 0, into: env)
                try env.execute("monitored-sql", on: cluster, options: ExecutionOptions(log: { _ in }))
            } catch {
                outcome.withLock { $0 = error }
            }
            done.signal()
        }.start()
        defer {
            cluster.cancel()
            done.wait()
        }
        func wait(for count: Int) throws {
            let deadline = Date().addingTimeInterval(30)
            while printed.values.count < count {
                guard Date() < deadline, outcome.withLock({ $0 }) == nil else {
                    return XCTFail("\(printed.values.count) rows of \(count), job: \(String(describing: outcome.withLock { $0 }))")
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        try wait(for: 10)
        try publish(31...60, as: "b.csv")
        try wait(for: 20)
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(printed.values.sorted(), stride(from: 3, through: 60, by: 3).map { "+I[\($0), ITEM-\($0)]" }.sorted())
    }
}
