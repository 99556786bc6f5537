// The JobManager's components (Dispatcher, JobMaster, ResourceManager) run in-process against
// TaskExecutorGateway doubles: no processes, no sockets.

import Foundation
import Logging
import Rivulet
@testable import RivuletCluster
import RivuletExamples
import Synchronization
import XCTest
import RivuletTesting

final class ControlPlaneInProcessTests: XCTestCase {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A ResourceManager whose TaskManagers are the given doubles.
    func resourceManager(_ doubles: [TaskExecutorDouble]) -> ResourceManager {
        let byID = Dictionary(uniqueKeysWithValues: doubles.map { ($0.resourceID, $0) })
        return ResourceManager(leaderSessionID: "session-1", heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 5000, logger: logger) { r, _ in
            guard let double = byID[r.resourceID] else { throw GatewayError(.unreachable, "no double for \(r.resourceID)") }
            return double
        }
    }

    func register(_ rm: ResourceManager, _ id: String, slots: Int) throws {
        _ = try rm.register(TaskManagerRegistration(resourceID: id, host: "127.0.0.1", rpcPort: 1, dataPort: 2, slots: slots, processID: 7))
    }

    func testResourceManagerSpreadsSlotsOverTaskManagersAndRefusesWhatItCannotGive() async throws {
        let a = TaskExecutorDouble("tm-a"), b = TaskExecutorDouble("tm-b")
        let rm = resourceManager([a, b])
        let accepted = try rm.register(TaskManagerRegistration(resourceID: "tm-a", host: "h", rpcPort: 1, dataPort: 2, slots: 2, processID: 1))
        XCTAssertEqual(accepted, RegistrationAccepted(leaderSessionID: "session-1", heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 5000))
        try register(rm, "tm-b", slots: 2)
        XCTAssertEqual(rm.totalSlots, 4)

        let allocated = await rm.allocate(jobID: "job-1", count: 2)
        let granted = try XCTUnwrap(allocated)
        XCTAssertEqual(Set(granted.map(\.resourceID)), ["tm-a", "tm-b"], "two slots of one job go to two TaskManagers")
        XCTAssertEqual(rm.allocations(of: "job-1"), Set(granted.map(\.allocationID)))
        XCTAssertEqual(a.recorded.count, 1)
        XCTAssertEqual(b.recorded.count, 1)

        let tooMany = await rm.allocate(jobID: "job-2", count: 3)
        XCTAssertNil(tooMany, "3 slots asked, 2 free")
        XCTAssertEqual(a.recorded.count + b.recorded.count, 2, "no TaskManager is asked when the slots are not there")

        await rm.free(granted, reason: "job ended")
        XCTAssertTrue(rm.allocations(of: "job-1").isEmpty)
        XCTAssertTrue(a.recorded.contains { if case .freeSlot = $0 { true } else { false } })
        XCTAssertEqual(rm.summaries.map(\.freeSlots), [2, 2])
    }

    /// A JobMaster waiting for slots waits on `slotChanges`: a TaskManager registering and
    /// slots freed notify it (instead of the JobMaster polling), and `freeSlots` counts them.
    func testRegisteringAndFreeingSlotsNotifyWaitingJobMasters() async throws {
        let rm = resourceManager([TaskExecutorDouble("tm-a")])
        XCTAssertEqual(rm.freeSlots, 0)
        var seen = rm.slotChanges.notifications
        try register(rm, "tm-a", slots: 2)
        XCTAssertGreaterThan(rm.slotChanges.notifications, seen, "a registration notifies")
        XCTAssertEqual(rm.freeSlots, 2)
        let allocated = await rm.allocate(jobID: "job-1", count: 2)
        let granted = try XCTUnwrap(allocated)
        XCTAssertEqual(rm.freeSlots, 0)
        seen = rm.slotChanges.notifications
        await rm.free(granted, reason: "job ended")
        XCTAssertGreaterThan(rm.slotChanges.notifications, seen, "freed slots notify")
        XCTAssertEqual(rm.freeSlots, 2)
    }

    func testSlotRefusedByATaskManagerIsReleasedAndAnUnreachableOneIsLost() async throws {
        let a = TaskExecutorDouble("tm-a"), b = TaskExecutorDouble("tm-b")
        let rm = resourceManager([a, b])
        let lost = Mutex<[String]>([])
        rm.onTaskManagerLost { id, _ in lost.withLock { $0.append(id) } }
        try register(rm, "tm-a", slots: 1)
        try register(rm, "tm-b", slots: 1)

        b.requestSlotFailure.withLock { $0 = GatewayError(.refused, "slot 0 is already allocated") }
        let refused = await rm.allocate(jobID: "job-1", count: 2)
        XCTAssertNil(refused)
        XCTAssertTrue(rm.allocations(of: "job-1").isEmpty, "the slot tm-a gave is freed again")
        XCTAssertTrue(a.recorded.contains { if case .freeSlot = $0 { true } else { false } })
        XCTAssertTrue(rm.isRegistered("tm-b"), "a refusal is not a lost TaskManager")

        b.requestSlotFailure.withLock { $0 = GatewayError(.unreachable, "connection refused") }
        let unreachable = await rm.allocate(jobID: "job-1", count: 2)
        XCTAssertNil(unreachable)
        XCTAssertFalse(rm.isRegistered("tm-b"))
        XCTAssertEqual(lost.withLock { $0 }, ["tm-b"])
        XCTAssertEqual(rm.totalSlots, 1)
    }

    func testATaskManagerThatRegistersAgainIsReportedLostAndKeepsNoSlots() async throws {
        let a = TaskExecutorDouble("tm-a")
        let rm = resourceManager([a])
        let lost = Mutex<[String]>([])
        rm.onTaskManagerLost { id, _ in lost.withLock { $0.append(id) } }
        try register(rm, "tm-a", slots: 2)
        let allocated = await rm.allocate(jobID: "job-1", count: 2)
        XCTAssertEqual(allocated?.count, 2)
        try register(rm, "tm-a", slots: 2)
        XCTAssertEqual(lost.withLock { $0 }, ["tm-a"], "its tasks are gone: the JobMasters must hear it")
        XCTAssertTrue(rm.allocations(of: "job-1").isEmpty)
        rm.slotReport(resourceID: "tm-a", slots: [SlotStatus(index: 1, allocationID: "kept", jobID: "job-1")])
        XCTAssertEqual(rm.allocations(of: "job-1"), ["kept"], "a slot the TaskManager kept is adopted from its report")
        XCTAssertThrowsError(try rm.register(TaskManagerRegistration(resourceID: "", host: "h", rpcPort: 1, dataPort: 2, slots: 1, processID: 1))) {
            XCTAssertEqual(($0 as? GatewayError)?.kind, .invalidRequest)
        }
    }

    func testATaskManagerSilentPastTheHeartbeatTimeoutIsLost() throws {
        let clock = ManualClock()
        let a = TaskExecutorDouble("tm-a"), b = TaskExecutorDouble("tm-b")
        let doubles = ["tm-a": a, "tm-b": b]
        let rm = ResourceManager(
            leaderSessionID: "session-1", heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 5000, logger: logger,
            now: clock.readInstant
        ) { r, _ in
            guard let double = doubles[r.resourceID] else { throw GatewayError(.unreachable, "no double") }
            return double
        }
        let lost = Mutex<[String]>([])
        rm.onTaskManagerLost { id, reason in lost.withLock { $0.append("\(id): \(reason)") } }
        try register(rm, "tm-a", slots: 1)
        try register(rm, "tm-b", slots: 1)
        clock.advance(by: 4_000)
        XCTAssertTrue(rm.heartbeat(resourceID: "tm-a", session: "session-1"))
        XCTAssertFalse(rm.heartbeat(resourceID: "tm-a", session: "session-0"), "a heartbeat under another session does not count")
        XCTAssertEqual(rm.expireSilentTaskManagers(), [], "4 s of silence is within the 5 s timeout")
        clock.advance(by: 2_000)
        XCTAssertEqual(rm.expireSilentTaskManagers(), ["tm-b"], "tm-b was silent 6 s; tm-a beat 2 s ago")
        XCTAssertEqual(lost.withLock { $0 }, ["tm-b: TaskManager tm-b lost: no heartbeat for more than 5000 ms"])
        XCTAssertFalse(rm.heartbeat(resourceID: "tm-b", session: "session-1"), "a lost TaskManager must register again")
        XCTAssertEqual(rm.summaries.map(\.id), ["tm-a"])
        XCTAssertEqual(rm.summaries.first?.millisSinceHeartbeat, 2000)
    }

    // MARK: A job through Dispatcher, JobMaster and ResourceManager

    /// Two TaskManager doubles that offer the slots they are given and run tasks as `behaviour` says.
    func cluster(
        onTask behaviour: @escaping @Sendable (Dispatcher, TaskExecutorDouble.Call, TaskDescriptor?, String) -> Void
    ) throws -> (Dispatcher, [TaskExecutorDouble]) {
        let doubles = [TaskExecutorDouble("tm-a"), TaskExecutorDouble("tm-b")]
        let rm = resourceManager(doubles)
        let dispatcher = Dispatcher(
            catalog: ExampleJobs.catalog, clusterConfiguration: [:], resourceManager: rm, ha: StandaloneHAServices(),
            logger: logger)
        for double in doubles {
            double.slotTaken.withLock {
                $0 = { [weak dispatcher] allocationID, jobID in
                    // A TaskManager offers a slot it was given to the job's JobMaster.
                    _ = try? dispatcher?.job(jobID).offer([allocationID])
                }
            }
            let id = double.resourceID
            double.taskEvent.withLock {
                $0 = { [weak dispatcher] call, descriptor in
                    guard let dispatcher else { return }
                    behaviour(dispatcher, call, descriptor, id)
                }
            }
            try register(rm, id, slots: 2)
        }
        return (dispatcher, doubles)
    }

    static func report(
        _ dispatcher: Dispatcher, _ task: ExecutionAttemptID, _ state: ExecutionState, on resourceID: String,
        error: String? = nil, unrecoverable: Bool = false
    ) {
        try? dispatcher.job(task.jobID).taskStateChanged(
            TaskExecutionStateUpdate(task: task, state: state, resourceID: resourceID, error: error, unrecoverable: unrecoverable))
    }

    func waitForEnd(_ dispatcher: Dispatcher, _ jobID: String) async throws -> JobStatus {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let status = try dispatcher.job(jobID).status
            if status.isTerminal { return status }
            try await Task.sleep(for: .milliseconds(5))
        }
        XCTFail("job \(jobID) did not end")
        return try dispatcher.job(jobID).status
    }

    func testAJobRunsToFinishedThroughTheGateways() async throws {
        let (dispatcher, doubles) = try cluster { dispatcher, call, _, resourceID in
            guard case .submitTask(let task) = call else { return }
            Self.report(dispatcher, task, .running, on: resourceID)
            Self.report(dispatcher, task, .finished, on: resourceID)
        }
        let jobID = try await dispatcher.submit(JobSubmission(job: "keyed-sum", arguments: ["--count", "100"], parallelism: 2))
        let status = try await waitForEnd(dispatcher, jobID)
        let exceptions = try dispatcher.job(jobID).detail(full: true).exceptions ?? []
        XCTAssertEqual(status, .finished, "\(exceptions)")
        let submitted = doubles.flatMap(\.recorded).compactMap { if case .submitTask(let t) = $0 { t } else { nil } }
        let tasks = try dispatcher.job(jobID).built.jobGraph.taskCount
        XCTAssertEqual(submitted.count, tasks, "every subtask deployed once")
        XCTAssertEqual(Set(submitted.map(\.execution.subtask)), [0, 1])
        let detail = try dispatcher.job(jobID).detail(full: true)
        XCTAssertEqual(Set(detail.vertices?.flatMap { $0.subtasks.map(\.status) } ?? []), ["FINISHED"])
        dispatcher.shutdown()
    }

    /// A job cancelled while it waits for slots ends CANCELED, not FAILED: the interrupted slot
    /// request is no failure (and no restart).
    func testAJobCancelledWhileWaitingForSlotsEndsCanceled() async throws {
        let (dispatcher, doubles) = try cluster { _, _, _, _ in }
        // 8 slots needed, 4 in the cluster: the JobMaster waits.
        let jobID = try await dispatcher.submit(JobSubmission(job: "keyed-sum", arguments: ["--count", "100"], parallelism: 8))
        try await Task.sleep(for: .milliseconds(50))
        XCTAssertEqual(try dispatcher.job(jobID).status, .created, "waiting for slots")
        try dispatcher.job(jobID).cancel()
        let status = try await waitForEnd(dispatcher, jobID)
        XCTAssertEqual(status, .canceled)
        XCTAssertEqual(try dispatcher.job(jobID).detail(full: true).exceptions, [], "a cancel is not a failure")
        XCTAssertFalse(doubles.flatMap(\.recorded).contains { if case .submitTask = $0 { true } else { false } }, "nothing was deployed")
        dispatcher.shutdown()
    }

    /// Port 0 means a TaskManager in this process: only the MiniCluster's ResourceManager takes it.
    func testOnlyAnInProcessResourceManagerTakesPortZero() throws {
        let zero = TaskManagerRegistration(resourceID: "tm-0", host: "127.0.0.1", rpcPort: 0, dataPort: 0, slots: 1, processID: 7)
        XCTAssertThrowsError(try resourceManager([TaskExecutorDouble("tm-0")]).register(zero)) {
            XCTAssertEqual(($0 as? GatewayError)?.kind, .invalidRequest)
        }
        let inProcess = ResourceManager(
            leaderSessionID: "session-1", heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 5000, acceptsInProcess: true, logger: logger
        ) { _, _ in TaskExecutorDouble("tm-0") }
        XCTAssertNoThrow(try inProcess.register(zero))
    }

    func testARepeatedFinishedReportIsNotASecondFinishedTask() async throws {
        let submitted = Mutex<[(ExecutionAttemptID, String)]>([])
        let (dispatcher, _) = try cluster { _, call, _, resourceID in
            if case .submitTask(let task) = call { submitted.withLock { $0.append((task, resourceID)) } }
        }
        let jobID = try await dispatcher.submit(JobSubmission(job: "keyed-sum", arguments: ["--count", "100"], parallelism: 2))
        let total = try dispatcher.job(jobID).built.jobGraph.taskCount
        let deadline = ContinuousClock.now + .seconds(60)
        while submitted.withLock({ $0.count }) < total && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let tasks = submitted.withLock { $0 }
        XCTAssertEqual(tasks.count, total)
        // Every task but the last finishes, the first one reports it twice; the last fails.
        // Were the repeat counted, the job would end FINISHED.
        for (task, tm) in tasks.dropLast() { Self.report(dispatcher, task, .finished, on: tm) }
        Self.report(dispatcher, tasks[0].0, .finished, on: tasks[0].1)
        Self.report(dispatcher, tasks[0].0, .running, on: tasks[0].1)
        if let (last, tm) = tasks.last { Self.report(dispatcher, last, .failed, on: tm, error: "boom") }
        let status = try await waitForEnd(dispatcher, jobID)
        XCTAssertEqual(status, .failed, "no restart strategy without checkpoints: the failure ends the job")
        XCTAssertEqual(
            try dispatcher.job(jobID).detail(full: true).exceptions, ["Running Sum -> Discard Sink (2/2): boom"],
            "the JobMaster names the subtask that failed")
        dispatcher.shutdown()
    }

    func testCancellingAJobCancelsItsTasksThroughTheGateways() async throws {
        let (dispatcher, doubles) = try cluster { dispatcher, call, _, resourceID in
            switch call {
            case .submitTask(let task): Self.report(dispatcher, task, .running, on: resourceID)
            case .cancelTask(let task): Self.report(dispatcher, task, .canceled, on: resourceID)
            default: break
            }
        }
        let jobID = try await dispatcher.submit(JobSubmission(job: "keyed-sum", arguments: ["--count", "100"], parallelism: 2))
        let master = try dispatcher.job(jobID)
        let deadline = ContinuousClock.now + .seconds(60)
        while master.detail(full: true).vertices?.allSatisfy({ $0.status == "RUNNING" }) != true && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        master.cancel()
        let status = try await waitForEnd(dispatcher, jobID)
        let exceptions = master.detail(full: true).exceptions ?? []
        XCTAssertEqual(status, .canceled, "\(exceptions)")
        let cancelled = doubles.flatMap(\.recorded).filter { if case .cancelTask = $0 { true } else { false } }
        XCTAssertEqual(cancelled.count, master.built.jobGraph.taskCount, "every running task is cancelled")
        dispatcher.shutdown()
    }

    func testATaskManagerRefusingADescriptorFailsTheJobWithoutRestarts() async throws {
        let doubles = [TaskExecutorDouble("tm-a")]
        final class Refusing: TaskExecutorGateway {
            let inner: TaskExecutorDouble
            init(_ inner: TaskExecutorDouble) { self.inner = inner }
            var resourceID: String { inner.resourceID }
            func requestSlot(index: Int, allocationID: String, jobID: String) async throws {
                try await inner.requestSlot(index: index, allocationID: allocationID, jobID: jobID)
            }
            func freeSlot(allocationID: String, reason: String) async throws {}
            func submitTask(allocationID: String, descriptor: TaskDescriptor) async throws {
                throw GatewayError(.invalidRequest, "cannot build job 'keyed-sum' on TaskManager tm-a: fingerprint differs")
            }
            func cancelTask(_ task: ExecutionAttemptID) async throws {}
            func sendCheckpointControl(_ control: TaskControl, to task: ExecutionAttemptID) async throws {}
            func disconnectJob(_ jobID: String, reason: String) async throws {}
            func requestLog(name: String?, maxBytes: Int64) async throws -> LogAnswer { LogAnswer(files: [], content: nil) }
            func close() {}
        }
        let refusing = Refusing(doubles[0])
        let rm = ResourceManager(leaderSessionID: "s", heartbeatIntervalMillis: 1000, heartbeatTimeoutMillis: 5000, logger: logger) { _, _ in refusing
        }
        let dispatcher = Dispatcher(
            catalog: ExampleJobs.catalog,
            clusterConfiguration: [
                "restart-strategy.type": "fixed-delay",
                "restart-strategy.fixed-delay.delay": "0 ms",
            ],
            resourceManager: rm, ha: StandaloneHAServices(), logger: logger)
        doubles[0].slotTaken.withLock { $0 = { [weak dispatcher] a, j in _ = try? dispatcher?.job(j).offer([a]) } }
        try register(rm, "tm-a", slots: 1)
        let jobID = try await dispatcher.submit(JobSubmission(job: "keyed-sum", arguments: ["--count", "100"], parallelism: 1))
        let status = try await waitForEnd(dispatcher, jobID)
        XCTAssertEqual(status, .failed)
        XCTAssertEqual(try dispatcher.job(jobID).attempt, 0, "an invalid request is not retried, whatever the restart strategy")
        XCTAssertTrue(try dispatcher.job(jobID).detail(full: true).exceptions?.first?.contains("fingerprint differs") == true)
        dispatcher.shutdown()
    }
}

final class ExecutionStateTests: XCTestCase {
    func testExecutionsMoveForwardOnlyAndNeverLeaveAnEnd() {
        let s = ExecutionState.self
        XCTAssertTrue(s.created.canTransition(to: .scheduled))
        XCTAssertTrue(s.deploying.canTransition(to: .running), "a task may report RUNNING before the JobMaster marks it INITIALIZING")
        XCTAssertTrue(s.deploying.canTransition(to: .finished), "a short task may report FINISHED first")
        XCTAssertFalse(s.running.canTransition(to: .initializing), "a late INITIALIZING does not move a running task back")
        XCTAssertFalse(s.running.canTransition(to: .deploying))
        XCTAssertTrue(s.running.canTransition(to: .canceling))
        XCTAssertTrue(s.canceling.canTransition(to: .canceled))
        XCTAssertTrue(s.canceling.canTransition(to: .failed))
        XCTAssertFalse(s.canceling.canTransition(to: .running))
        XCTAssertFalse(s.canceling.canTransition(to: .finished))
        for end in [s.finished, .canceled, .failed] {
            XCTAssertTrue(end.isTerminal)
            for next in ExecutionState.allCases { XCTAssertFalse(end.canTransition(to: next), "\(end) -> \(next)") }
        }
        for state in ExecutionState.allCases { XCTAssertFalse(state.canTransition(to: state), "\(state) -> itself") }
        XCTAssertEqual(ExecutionState.allCases.filter(\.isTerminal), [.finished, .canceled, .failed])
    }
}
