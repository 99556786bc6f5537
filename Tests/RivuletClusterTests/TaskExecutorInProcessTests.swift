// A TaskExecutor run in-process against a JobManager double: registration, fencing, slots,
// deployment and task reports go through the gateways, with real tasks and a real data plane.

import Foundation
import Logging
import Rivulet
@testable import RivuletCluster
import RivuletCore
import RivuletExamples
import RivuletNetwork
import Synchronization
import XCTest
import RivuletTesting

final class TaskExecutorInProcessTests: XCTestCase {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    func waitUntil(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { return XCTFail("timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func testATaskExecutorRegistersIsFencedAndRunsAJobItIsGiven() async throws {
        let jobManager = JobManagerDouble(session: "session-1")
        let dataPlane = try await DataPlane.start(host: "127.0.0.1", port: 0)
        let configuration = try Configuration(["taskmanager.numberOfTaskSlots": "2", "taskmanager.resource-id": "tm-test"], schema: .cluster)
        let executor = TaskExecutor(
            settings: TaskManagerSettings(configuration), catalog: ExampleJobs.catalog, dataPlane: dataPlane,
            leaderRetrieval: StandaloneLeaderRetrieval(rpcHost: "jobmanager", rpcPort: 6123, restHost: "jobmanager", restPort: 8081),
            logger: logger
        ) { host, port in
            XCTAssertEqual("\(host):\(port)", "jobmanager:6123", "the TaskManager dials the address leader retrieval names")
            return jobManager
        }
        let registration = Task { await executor.runRegistration() }
        defer {
            registration.cancel()
            executor.shutdown()
        }
        try await waitUntil("the registration and its slot report") { jobManager.slotReports.withLock { !$0.isEmpty } }
        let registered = try XCTUnwrap(jobManager.registrations.withLock { $0.first })
        XCTAssertEqual(registered.resourceID, "tm-test")
        XCTAssertEqual(registered.slots, 2)
        XCTAssertEqual(registered.dataPort, dataPlane.port)
        XCTAssertEqual(
            jobManager.slotReports.withLock { $0.first },
            [
                SlotStatus(index: 0, allocationID: nil, jobID: nil),
                SlotStatus(index: 1, allocationID: nil, jobID: nil),
            ])

        // A JobManager that no longer leads (another session) is refused, and nothing changes.
        let stale = LocalTaskExecutorGateway(executor: executor, session: "session-0")
        do {
            try await stale.requestSlot(index: 0, allocationID: "stale-slot", jobID: "job")
            XCTFail("a stale leader's call must be refused")
        } catch let error as GatewayError {
            XCTAssertEqual(error.kind, .refused)
        }
        XCTAssertEqual(executor.slotReport[0].allocationID, nil)

        let leader = LocalTaskExecutorGateway(executor: executor, session: "session-1")
        do {
            try await leader.requestSlot(index: 7, allocationID: "a7", jobID: "job")
            XCTFail("slot 7 does not exist")
        } catch let error as GatewayError {
            XCTAssertEqual(error.kind, .invalidRequest)
        }

        // The job: keyed-sum at parallelism 1, both vertices in the two slots of this TaskManager.
        let jobID = "job-1"
        try await leader.requestSlot(index: 0, allocationID: "a0", jobID: jobID)
        try await waitUntil("the slot offer") { jobManager.offers.withLock { !$0.isEmpty } }
        XCTAssertEqual(jobManager.offers.withLock { $0.first?.slots }, [SlotStatus(index: 0, allocationID: "a0", jobID: jobID)])
        let arguments = ["--count", "1000", "--keys", "10"]
        let built = try BuiltJob.build(catalog: ExampleJobs.catalog, name: "keyed-sum", arguments: arguments, configuration: [:])
        let here = TaskLocation(resourceID: executor.resourceID, host: "127.0.0.1", dataPort: dataPlane.port)
        let placement = built.jobGraph.vertices.map { Array(repeating: here, count: $0.parallelism) }
        func descriptor(vertex: Int, keyGroups: [Int]? = nil) -> TaskDescriptor {
            let v = built.jobGraph.vertices[vertex]
            let range = KeyGroupRangeAssignment.range(maxParallelism: v.maxParallelism, parallelism: v.parallelism, operatorIndex: 0)
            return TaskDescriptor(
                jobID: jobID, jobName: "keyed-sum", arguments: arguments, configuration: [:],
                fingerprint: built.jobGraph.fingerprint, attempt: 0, vertex: vertex, subtask: 0,
                keyGroups: keyGroups ?? [range.startKeyGroup, range.endKeyGroup], placement: placement,
                restore: nil, checkpointDirectory: "")
        }
        do {
            try await leader.submitTask(allocationID: "a0", descriptor: descriptor(vertex: 0, keyGroups: [0, 1]))
            XCTFail("key groups the subtask does not own must be refused")
        } catch let error as GatewayError {
            XCTAssertEqual(error.kind, .invalidRequest)
            XCTAssertTrue(error.message.contains("key groups"), error.message)
        }
        do {
            try await leader.submitTask(allocationID: "a9", descriptor: descriptor(vertex: 0))
            XCTFail("an allocation this TaskManager does not hold must be refused")
        } catch let error as GatewayError {
            XCTAssertEqual(error.kind, .refused)
        }
        for vertex in built.jobGraph.vertices.indices {
            try await leader.submitTask(allocationID: "a0", descriptor: descriptor(vertex: vertex))
        }
        let tasks = built.jobGraph.taskCount
        try await waitUntil("every task to finish") {
            jobManager.updates.withLock { u in u.filter { $0.state == .finished }.count } == tasks
        }
        let updates = jobManager.updates.withLock { $0 }
        XCTAssertEqual(Set(updates.map(\.resourceID)), ["tm-test"])
        XCTAssertFalse(updates.contains { $0.state == .failed }, "\(updates.compactMap(\.error))")
        for vertex in built.jobGraph.vertices.indices {
            let states = updates.filter { $0.task.execution.vertex == vertex }.map(\.state)
            XCTAssertEqual(states.first, .running, "a task reports RUNNING before it ends")
            XCTAssertEqual(states.last, .finished)
        }
        let sink = try XCTUnwrap(updates.last { $0.task.execution.vertex == built.jobGraph.vertices.count - 1 && $0.state == .finished })
        XCTAssertEqual(sink.metrics?.recordsIn, 1000, "the last vertex read every record")

        try await leader.freeSlot(allocationID: "a0", reason: "job ended")
        XCTAssertEqual(executor.slotReport[0].allocationID, nil)
        await dataPlane.shutdown()
    }
}
