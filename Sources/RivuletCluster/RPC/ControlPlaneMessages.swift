// The one place the control plane's protobuf messages and errors meet the gateways' domain
// types: every conversion both ways, used by the gRPC clients and servers alike.

import GRPCCore
import RivuletRuntime
import RivuletRPC

// MARK: Errors

/// Runs a gRPC call, turning its failure into a `GatewayError` (clients).
func translatingErrors<T>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch let error as RPCError {
        throw GatewayError(error)
    }
}

/// Runs a domain call, answering its `GatewayError` with the matching gRPC status (servers).
func answering<T: Sendable>(_ call: () async throws -> T) async throws -> T {
    do {
        return try await call()
    } catch let error as GatewayError {
        throw error.rpcError
    }
}

extension GatewayError {
    /// The kind a gRPC status code stands for.
    init(_ error: RPCError) {
        let kind: Kind
        switch error.code {
        case .unavailable, .deadlineExceeded: kind = .unreachable
        case .invalidArgument: kind = .invalidRequest
        case .failedPrecondition, .permissionDenied, .notFound: kind = .refused
        default: kind = .failed
        }
        self.init(kind, "\(error.code): \(error.message)")
    }

    /// The gRPC status a server answers this failure with.
    var rpcError: RPCError {
        switch kind {
        case .unreachable: RPCError(code: .unavailable, message: message)
        case .invalidRequest: RPCError(code: .invalidArgument, message: message)
        case .refused: RPCError(code: .failedPrecondition, message: message)
        case .failed: RPCError(code: .internalError, message: message)
        }
    }
}

// MARK: Executions

extension ExecutionAttemptID {
    init(_ ref: Rivulet_Control_ExecutionRef) {
        self.init(jobID: ref.jobID, attempt: Int(ref.attempt), execution: ExecutionID(vertex: Int(ref.vertex), subtask: Int(ref.subtask)))
    }
}

extension Rivulet_Control_ExecutionRef {
    init(_ task: ExecutionAttemptID) {
        self.init()
        jobID = task.jobID
        attempt = Int32(task.attempt)
        vertex = Int32(task.execution.vertex)
        subtask = Int32(task.execution.subtask)
    }
}

extension ExecutionState {
    /// The state a TaskManager reported; nil for a value this JobManager does not know.
    init?(_ state: Rivulet_Control_ExecutionState) {
        switch state {
        case .deploying: self = .deploying
        case .initializing: self = .initializing
        case .running: self = .running
        case .finished: self = .finished
        case .canceled: self = .canceled
        case .failed: self = .failed
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension Rivulet_Control_ExecutionState {
    /// The wire value of a state a TaskManager reports; nil for the JobMaster's own states
    /// (CREATED, SCHEDULED, CANCELING), which never cross the wire.
    init?(_ state: ExecutionState) {
        switch state {
        case .deploying: self = .deploying
        case .initializing: self = .initializing
        case .running: self = .running
        case .finished: self = .finished
        case .canceled: self = .canceled
        case .failed: self = .failed
        case .created, .scheduled, .canceling: return nil
        }
    }
}

extension ProcessStatus {
    init(_ m: Rivulet_Control_ProcessStatus) {
        self.init(cpuNanos: m.cpuNanos, rssBytes: m.rssBytes, threads: Int(m.threads), startTimeMillis: m.startTimeMillis)
    }
}

extension Rivulet_Control_ProcessStatus {
    init(_ status: ProcessStatus) {
        self.init()
        cpuNanos = status.cpuNanos
        rssBytes = status.rssBytes
        threads = Int32(clamping: status.threads)
        startTimeMillis = status.startTimeMillis
    }
}

extension TaskMetricsSample {
    init(_ m: Rivulet_Control_TaskMetrics) {
        self.init(
            task: ExecutionAttemptID(m.execution), recordsIn: m.recordsIn, recordsOut: m.recordsOut,
            backPressuredNanos: m.backPressuredNanos, idleNanos: m.idleNanos, inputWatermark: m.inputWatermark,
            outputWatermark: m.outputWatermark, outPoolUsage: m.outPoolUsage, inPoolUsage: m.inPoolUsage)
    }
}

extension Rivulet_Control_TaskMetrics {
    init(_ sample: TaskMetricsSample) {
        self.init()
        execution = Rivulet_Control_ExecutionRef(sample.task)
        recordsIn = sample.recordsIn
        recordsOut = sample.recordsOut
        backPressuredNanos = sample.backPressuredNanos
        idleNanos = sample.idleNanos
        inputWatermark = sample.inputWatermark
        outputWatermark = sample.outputWatermark
        outPoolUsage = sample.outPoolUsage
        inPoolUsage = sample.inPoolUsage
    }
}

// MARK: Slots

extension SlotStatus {
    init(_ s: Rivulet_Control_SlotStatus) {
        self.init(index: Int(s.slotIndex), allocationID: s.allocationID.isEmpty ? nil : s.allocationID, jobID: s.jobID.isEmpty ? nil : s.jobID)
    }
}

extension Rivulet_Control_SlotStatus {
    init(_ slot: SlotStatus) {
        self.init()
        slotIndex = Int32(slot.index)
        allocationID = slot.allocationID ?? ""
        jobID = slot.jobID ?? ""
    }
}
