// The checkpoint coordinator driven by hand on a manual clock, against tasks that answer at
// once: no timer thread, no sleeps. Its scheduling rules (interval, pause, concurrency,
// timeouts, savepoints, the final checkpoint, stop-with-savepoint) and its completion paths.

import Foundation
import Rivulet
import RivuletCore
import Synchronization
import XCTest
import RivuletTesting

/// A task that records what it was told and, unless told to stay silent, acknowledges every
/// checkpoint it is asked to take at once, on the caller's thread.
final class InstantTask: TaskControlGateway {
    let id: ExecutionID
    let coordinator = Mutex<CheckpointCoordinator?>(nil)
    let received = Mutex<[TaskControl]>([])
    let silent: Bool

    init(_ id: ExecutionID, silent: Bool = false) {
        self.id = id
        self.silent = silent
    }

    func sendControl(_ control: TaskControl) {
        received.withLock { $0.append(control) }
        if !silent, case .triggerCheckpoint(let barrier) = control, let c = coordinator.withLock({ $0 }) {
            c.acknowledge(checkpointID: barrier.checkpointID, task: id, states: [:])
        }
    }

    var triggered: [Int64] {
        received.withLock { $0.compactMap { if case .triggerCheckpoint(let b) = $0 { return b.checkpointID } else { return nil } } }
    }
    var completed: [(id: Int64, completesJob: Bool)] {
        received.withLock { $0.compactMap { if case .checkpointComplete(let id, let c) = $0 { return (id, c) } else { return nil } } }
    }
    var aborted: [Int64] {
        received.withLock { $0.compactMap { if case .checkpointAborted(let id) = $0 { return id } else { return nil } } }
    }
}

final class CheckpointCoordinatorTests: XCTestCase {
    let clock = ManualClock(millis: 1_000)

    func makeCoordinator(
        tasks: [InstantTask], settings: [String: String] = [:], recovery: (any CheckpointRecoveryStore)? = nil,
        store: CompletedCheckpoints? = nil, failJob: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> (CheckpointCoordinator, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-coord-\(UUID().uuidString.prefix(8))").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try Configuration(
            ["execution.checkpointing.interval": "100 ms", "state.checkpoints.dir": directory].merging(settings) { $1 })
        let storage = FileSystemCheckpointStorage(baseDirectory: directory, jobID: "job")
        try storage.initialize()
        let coordinator = CheckpointCoordinator(
            storage: storage, config: try CheckpointConfig(configuration), jobName: "test", operators: [],
            ids: CheckpointIDCounter(), store: store ?? CompletedCheckpoints(numRetained: 3, recovery: recovery), failJob: failJob,
            log: { _ in },
            clock: clock.read)
        for t in tasks { t.coordinator.withLock { $0 = coordinator } }
        coordinator.register(
            tasks: Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, $0 as any TaskControlGateway) }),
            sources: Set(tasks.map(\.id)), savepointOnFinish: nil)
        addTeardownBlock { coordinator.stop() }
        return (coordinator, directory)
    }

    /// A checkpoint starts when the interval has passed since the last one started, not before.
    func testPeriodicCheckpointsFollowTheInterval() throws {
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0))
        let store = CompletedCheckpoints(numRetained: 3)
        let (coordinator, _) = try makeCoordinator(tasks: [task], store: store)
        coordinator.tick()
        clock.advance(by: 99)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [], "a checkpoint started before the interval passed")
        clock.advance(by: 1)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1])
        XCTAssertEqual(task.completed.map(\.id), [1])
        clock.advance(by: 50)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1])
        clock.advance(by: 50)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1, 2])
        // Statistics: both completed, each with its one subtask's acknowledgement.
        XCTAssertEqual(store.completedCount, 2)
        XCTAssertEqual(store.stats.map(\.checkpointID), [1, 2])
        XCTAssertEqual(store.stats.last?.subtasks.map(\.task), [ExecutionID(vertex: 0, subtask: 0)])
        XCTAssertEqual(store.stats.last?.triggeredAt, 1_200)
        XCTAssertEqual(store.failures.count, 0)
    }

    /// A checkpoint that no task answers times out after execution.checkpointing.timeout:
    /// aborted, its tasks told, and past the tolerable failures the job fails. While it is in
    /// flight no second one starts (max-concurrent 1).
    func testACheckpointNobodyAnswersTimesOutAndFailsTheJob() throws {
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0), silent: true)
        let failure = Mutex<String?>(nil)
        let store = CompletedCheckpoints(numRetained: 3)
        let (coordinator, _) = try makeCoordinator(
            tasks: [task], settings: ["execution.checkpointing.timeout": "1 s", "execution.checkpointing.tolerable-failed-checkpoints": "1"],
            store: store
        ) { reason in failure.withLock { $0 = $0 ?? reason } }
        clock.advance(by: 100)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1])
        clock.advance(by: 500)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1], "a second checkpoint started while one was in flight")
        clock.advance(by: 500)
        coordinator.tick()
        XCTAssertEqual(task.aborted, [1], "the checkpoint did not time out after 1 s")
        XCTAssertEqual(coordinator.pendingCount, 0)
        XCTAssertEqual(store.failures.count, 1, "the failed checkpoint is counted")
        XCTAssertEqual(store.failures.latest.first?.checkpointID, 1)
        XCTAssertEqual(store.failures.latest.first.map { $0.failedAt - $0.triggeredAt }, 1_000)
        XCTAssertNil(failure.withLock { $0 }, "one failure is tolerated")
        clock.advance(by: 100)
        coordinator.tick()
        clock.advance(by: 1000)
        coordinator.tick()
        XCTAssertEqual(task.aborted, [1, 2])
        let reason = try XCTUnwrap(failure.withLock { $0 })
        XCTAssertTrue(reason.contains("did not complete within 1000 ms") && reason.contains("tolerable-failed-checkpoints"), reason)
    }

    /// After a completion the next checkpoint waits for the minimum pause.
    func testTheMinimumPauseSpacesCheckpoints() throws {
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0))
        let (coordinator, _) = try makeCoordinator(tasks: [task], settings: ["execution.checkpointing.min-pause": "300 ms"])
        clock.advance(by: 100)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1])
        clock.advance(by: 200)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1], "the pause after checkpoint 1 was not kept")
        clock.advance(by: 100)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1, 2])
    }

    /// A requested savepoint starts at the next tick; a plain one lets periodic checkpoints go
    /// on, while after a stop's savepoint no checkpoint starts (one that completed after it
    /// would commit output a job restored from the savepoint emits again).
    func testStopWithSavepointStartsNoCheckpointAfterTheSavepoint() throws {
        let tasks = [InstantTask(ExecutionID(vertex: 0, subtask: 0)), InstantTask(ExecutionID(vertex: 0, subtask: 1))]
        let (coordinator, directory) = try makeCoordinator(tasks: tasks)
        coordinator.requestSavepoint(into: directory + "/sp-plain")
        coordinator.tick()
        let plain = try XCTUnwrap(coordinator.takeSavepointResult(for: directory + "/sp-plain")).get()
        XCTAssertTrue(FileManager.default.fileExists(atPath: plain + "/_metadata"))
        XCTAssertEqual(tasks[0].aborted, [1], "a savepoint is not committed by the tasks")
        clock.advance(by: 100)
        coordinator.tick()
        XCTAssertEqual(tasks[0].triggered, [1, 2], "periodic checkpoints stopped after a plain savepoint")

        coordinator.requestSavepoint(into: directory + "/sp-stop", stopping: true)
        clock.advance(by: 100)
        coordinator.tick()
        XCTAssertEqual(tasks[0].triggered, [1, 2, 3])
        let stop = try XCTUnwrap(coordinator.takeSavepointResult(for: directory + "/sp-stop")).get()
        XCTAssertTrue(FileManager.default.fileExists(atPath: stop + "/_metadata"))
        for _ in 0..<5 {
            clock.advance(by: 100)
            coordinator.tick()
        }
        XCTAssertEqual(tasks[0].triggered, [1, 2, 3], "a checkpoint started after the stop's savepoint")
        coordinator.resumePeriodicCheckpoints()
        coordinator.tick()
        XCTAssertEqual(tasks[0].triggered, [1, 2, 3, 4], "periodic checkpoints did not resume")
    }

    /// Completion notices of periodic checkpoints do not complete the job; the final one
    /// (triggered once every task finished, without waiting for the interval) does, and
    /// nothing starts after it.
    func testCompletionSaysWhenItCompletesTheJob() throws {
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0))
        let (coordinator, _) = try makeCoordinator(tasks: [task])
        clock.advance(by: 100)
        coordinator.tick()
        XCTAssertEqual(task.completed.map(\.completesJob), [false])
        coordinator.taskFinished(task.id)
        coordinator.tick()
        XCTAssertEqual(task.completed.map(\.id), [1, 2])
        XCTAssertEqual(task.completed.map(\.completesJob), [false, true])
        clock.advance(by: 1000)
        coordinator.tick()
        XCTAssertEqual(task.triggered, [1, 2], "a checkpoint started after the final one")
    }

    /// A recovery store whose writes all end with an unknown outcome (the answer lost with
    /// the connection): the checkpoint's files stay (a new leader may find the record), no
    /// task commits it, and the failure counts toward the tolerable ones (none here).
    func testCheckpointWhoseRecordIsUncertainKeepsItsFilesAndCountsAsFailed() throws {
        final class UncertainStore: CheckpointRecoveryStore {
            let ids = Mutex<Int64>(0)
            func nextCheckpointID() throws -> Int64 {
                ids.withLock {
                    $0 += 1; return $0
                }
            }
            func addCheckpoint(_ id: Int64, directory: String) throws {
                throw CheckpointStoreError("connection lost", outcomeUnknown: true)
            }
            func removeCheckpoint(_ id: Int64) throws {}
        }
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0))
        let failure = Mutex<String?>(nil)
        let (coordinator, directory) = try makeCoordinator(tasks: [task], recovery: UncertainStore()) { reason in
            failure.withLock { $0 = $0 ?? reason }
        }
        clock.advance(by: 100)
        coordinator.tick()
        let reason = try XCTUnwrap(failure.withLock { $0 }, "the job did not fail past its tolerable checkpoint failures")
        XCTAssertTrue(reason.contains("tolerable-failed-checkpoints"), reason)
        XCTAssertEqual(task.aborted, [1])
        XCTAssertTrue(task.completed.isEmpty, "a task was told to commit a checkpoint that may not be recorded")
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory + "/job/chk-1/_metadata"), "the files of checkpoint 1 were deleted")
    }
}
