// A TaskManager double: the JobManager's components run in-process against it, with no
// processes and no sockets.

import RivuletCluster
import RivuletCore
import RivuletRuntime
import Synchronization

/// A TaskManager double: records what the JobManager asks of it and answers as the test says.
package final class TaskExecutorDouble: TaskExecutorGateway {
    package enum Call: Equatable, Sendable {
        case requestSlot(index: Int, allocationID: String, jobID: String)
        case freeSlot(allocationID: String)
        case submitTask(ExecutionAttemptID)
        case cancelTask(ExecutionAttemptID)
        case checkpointControl(ExecutionAttemptID)
        case disconnectJob(String)
    }

    package let resourceID: String
    package let calls = Mutex<[Call]>([])
    /// Thrown by the next requestSlot calls (then cleared).
    package let requestSlotFailure = Mutex<GatewayError?>(nil)
    /// Called after a slot was taken (a real TaskManager then offers it to the JobMaster).
    package let slotTaken = Mutex<(@Sendable (String, String) -> Void)?>(nil)
    /// Called after a task was submitted or cancelled.
    package let taskEvent = Mutex<(@Sendable (Call, TaskDescriptor?) -> Void)?>(nil)

    package init(_ resourceID: String) { self.resourceID = resourceID }

    package var recorded: [Call] { calls.withLock { $0 } }

    package func requestSlot(index: Int, allocationID: String, jobID: String) async throws {
        calls.withLock { $0.append(.requestSlot(index: index, allocationID: allocationID, jobID: jobID)) }
        if let failure = requestSlotFailure.withLock({ $0 }) { throw failure }
        slotTaken.withLock { $0 }?(allocationID, jobID)
    }

    package func freeSlot(allocationID: String, reason: String) async throws {
        calls.withLock { $0.append(.freeSlot(allocationID: allocationID)) }
    }

    package func submitTask(allocationID: String, descriptor: TaskDescriptor) async throws {
        let task = ExecutionAttemptID(
            jobID: descriptor.jobID, attempt: descriptor.attempt,
            execution: ExecutionID(vertex: descriptor.vertex, subtask: descriptor.subtask))
        calls.withLock { $0.append(.submitTask(task)) }
        taskEvent.withLock { $0 }?(.submitTask(task), descriptor)
    }

    package func cancelTask(_ task: ExecutionAttemptID) async throws {
        calls.withLock { $0.append(.cancelTask(task)) }
        taskEvent.withLock { $0 }?(.cancelTask(task), nil)
    }

    package func sendCheckpointControl(_ control: TaskControl, to task: ExecutionAttemptID) async throws {
        calls.withLock { $0.append(.checkpointControl(task)) }
    }

    package func disconnectJob(_ jobID: String, reason: String) async throws {
        calls.withLock { $0.append(.disconnectJob(jobID)) }
    }

    package func requestLog(name: String?, maxBytes: Int64) async throws -> LogAnswer { LogAnswer(files: [], content: nil) }
    package func close() {}
}
