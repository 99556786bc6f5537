// Nexmark queries on a real cluster: their records (bids, auctions, persons and the queries'
// intermediate rows) cross TaskManagers over TCP, and the committed rows are those of a local
// run of the same events.

import Foundation
import XCTest
import RivuletTesting

final class NexmarkClusterTests: XCTestCase {
    /// q3 (a join keyed by seller), q5 (sliding windows, then windows keyed by end) and q8 (a
    /// window join of a union) at parallelism 4 on two TaskManagers against `rivulet local` at
    /// parallelism 1.
    func testQueriesOnAClusterCommitTheRowsOfALocalRun() throws {
        let cluster = try ClusterFixture(taskManagers: 2, slots: 2)
        let events = ["--events", "30000", "--event-rate", "1000", "--seed", "5"]
        for query in ["q3", "q5", "q8"] {
            let remote = cluster.directory.appendingPathComponent("\(query)-cluster")
            let local = cluster.directory.appendingPathComponent("\(query)-local")
            let run = try cluster.rivulet(["run", "-p", "4", "nexmark", "--query", query, "--output", remote.path] + events)
            XCTAssertEqual(run.status, 0, run.output)
            XCTAssertTrue(run.output.contains("FINISHED"), run.output)
            let reference = try TestProcess.run(
                ClusterFixture.binary, ["local", "nexmark", "--query", query, "--output", local.path, "--parallelism", "1"] + events,
                environment: ProcessInfo.processInfo.environment)
            XCTAssertEqual(reference.status, 0, reference.output)
            let expected = try committedLines(in: local).sorted()
            XCTAssertFalse(expected.isEmpty, "\(query): the local run wrote no rows")
            XCTAssertEqual(try committedLines(in: remote).sorted(), expected, "\(query): the cluster's rows differ from the local run's")
        }
    }
}
