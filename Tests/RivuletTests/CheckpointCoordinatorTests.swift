// The checkpoint coordinator against tasks that answer at once: stop-with-savepoint leaves no
// checkpoint after the savepoint, and completion notices say when they complete the job.

import Foundation
import Rivulet
import RivuletCore
import Synchronization
import XCTest

/// A task that acknowledges every checkpoint it is asked to take and records what it was told.
final class InstantTask: TaskControlGateway {
    let id: ExecutionID
    let coordinator = Mutex<CheckpointCoordinator?>(nil)
    let received = Mutex<[TaskControl]>([])

    init(_ id: ExecutionID) { self.id = id }

    func sendControl(_ control: TaskControl) {
        received.withLock { $0.append(control) }
        if case .triggerCheckpoint(let barrier) = control, let c = coordinator.withLock({ $0 }) {
            let task = id
            DispatchQueue.global().async { c.acknowledge(checkpointID: barrier.checkpointID, task: task, states: [:]) }
        }
    }

    var triggered: [Int64] {
        received.withLock { $0.compactMap { if case .triggerCheckpoint(let b) = $0 { return b.checkpointID } else { return nil } } }
    }
}

final class CheckpointCoordinatorTests: XCTestCase {
    func makeCoordinator(
        _ directory: String, tasks: [InstantTask], recovery: (any CheckpointRecoveryStore)? = nil,
        failJob: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> CheckpointCoordinator {
        let configuration = try Configuration(["execution.checkpointing.interval": "10 ms", "state.checkpoints.dir": directory])
        let storage = FileSystemCheckpointStorage(baseDirectory: directory, jobID: "job")
        try storage.initialize()
        let coordinator = CheckpointCoordinator(
            storage: storage, config: try CheckpointConfig(configuration), jobName: "test", operators: [],
            ids: CheckpointIDCounter(), store: CompletedCheckpoints(numRetained: 3, recovery: recovery), failJob: failJob, log: { _ in })
        for t in tasks { t.coordinator.withLock { $0 = coordinator } }
        coordinator.register(
            tasks: Dictionary(uniqueKeysWithValues: tasks.map { ($0.id, $0 as any TaskControlGateway) }),
            sources: Set(tasks.map(\.id)), savepointOnFinish: nil)
        return coordinator
    }

    /// After stop-with-savepoint returns, no checkpoint starts (one that completed after the
    /// savepoint would commit output a job restored from the savepoint emits again); a plain
    /// savepoint lets periodic checkpoints go on.
    func testStopWithSavepointStartsNoCheckpointAfterTheSavepoint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-coord-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tasks = [InstantTask(ExecutionID(vertex: 0, subtask: 0)), InstantTask(ExecutionID(vertex: 0, subtask: 1))]
        let coordinator = try makeCoordinator(directory, tasks: tasks)
        coordinator.start()
        defer { coordinator.stop() }
        Thread.sleep(forTimeInterval: 0.1)
        _ = try coordinator.triggerSavepoint(into: directory + "/sp-plain")
        let afterPlain = tasks[0].triggered.count
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertGreaterThan(tasks[0].triggered.count, afterPlain, "periodic checkpoints stopped after a plain savepoint")

        let path = try coordinator.stopWithSavepoint(into: directory + "/sp-stop")
        let savepointID = try XCTUnwrap(tasks[0].triggered.max())
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(tasks[0].triggered.max(), savepointID, "a checkpoint started after the stop's savepoint")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/_metadata"))
    }

    /// Completion notices of periodic checkpoints do not complete the job; the final one
    /// (triggered once every task finished) does.
    func testCompletionSaysWhenItCompletesTheJob() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-coord-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0))
        let coordinator = try makeCoordinator(directory, tasks: [task])
        coordinator.start()
        defer { coordinator.stop() }
        Thread.sleep(forTimeInterval: 0.1)
        let periodic = task.received.withLock { $0.compactMap { if case .checkpointComplete(_, let c) = $0 { return c } else { return nil } } }
        XCTAssertFalse(periodic.isEmpty)
        XCTAssertFalse(periodic.contains(true), "a periodic checkpoint claimed to complete the job")
        coordinator.taskFinished(task.id)
        let deadline = Date().addingTimeInterval(5)
        var final = false
        while Date() < deadline && !final {
            final = task.received.withLock { $0.contains { if case .checkpointComplete(_, true) = $0 { return true } else { return false } } }
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(final, "no completion notice completed the job after every task finished")
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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-coord-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = InstantTask(ExecutionID(vertex: 0, subtask: 0))
        let failure = Mutex<String?>(nil)
        let coordinator = try makeCoordinator(directory, tasks: [task], recovery: UncertainStore()) { reason in
            failure.withLock { $0 = $0 ?? reason }
        }
        coordinator.start()
        defer { coordinator.stop() }
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline && failure.withLock({ $0 == nil }) { Thread.sleep(forTimeInterval: 0.01) }
        let reason = try XCTUnwrap(failure.withLock { $0 }, "the job did not fail past its tolerable checkpoint failures")
        XCTAssertTrue(reason.contains("tolerable-failed-checkpoints"), reason)
        let aborted = task.received.withLock { $0.compactMap { if case .checkpointAborted(let id) = $0 { return id } else { return nil } } }
        let first = try XCTUnwrap(aborted.first)
        XCTAssertFalse(
            task.received.withLock { $0.contains { if case .checkpointComplete = $0 { return true } else { return false } } },
            "a task was told to commit a checkpoint that may not be recorded")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: directory + "/job/chk-\(first)/_metadata"), "the files of checkpoint \(first) were deleted")
    }
}
