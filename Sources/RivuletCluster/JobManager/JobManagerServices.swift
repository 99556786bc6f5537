// The JobManager's gRPC services: the ResourceManagerGateway and the JobMasterGateway.

import RivuletRPC
import Foundation
import GRPCCore
import Rivulet
import RivuletCore

/// gRPC adapter of the ResourceManager.
struct ResourceManagerService: Rivulet_Control_ResourceManagerGateway.SimpleServiceProtocol {
    let resourceManager: ResourceManager

    func registerTaskExecutor(request: Rivulet_Control_RegisterTaskExecutorRequest, context: ServerContext) async throws -> Rivulet_Control_RegisterTaskExecutorResponse {
        let a = request.address
        let registration = TaskManagerRegistration(resourceID: a.resourceID, host: a.host, rpcPort: Int(a.rpcPort), dataPort: Int(a.dataPort),
                                                   slots: Int(request.numberOfSlots), processID: request.processID)
        let accepted: RegistrationAccepted
        do {
            accepted = try resourceManager.register(registration)
        } catch let error as GatewayError {
            throw error.rpcError
        }
        var response = Rivulet_Control_RegisterTaskExecutorResponse()
        response.leaderSessionID = accepted.leaderSessionID
        response.heartbeatIntervalMillis = accepted.heartbeatIntervalMillis
        response.heartbeatTimeoutMillis = accepted.heartbeatTimeoutMillis
        return response
    }

    func sendSlotReport(request: Rivulet_Control_SlotReport, context: ServerContext) async throws -> Rivulet_Control_Ack {
        guard request.leaderSessionID == resourceManager.leaderSessionID else {
            throw fencingError(request.leaderSessionID, expected: resourceManager.leaderSessionID)
        }
        let slots = request.slots.map {
            SlotStatus(index: Int($0.slotIndex), allocationID: $0.allocationID.isEmpty ? nil : $0.allocationID,
                       jobID: $0.jobID.isEmpty ? nil : $0.jobID)
        }
        resourceManager.slotReport(resourceID: request.resourceID, slots: slots)
        return .init()
    }

    func heartbeat(request: Rivulet_Control_TaskManagerHeartbeat, context: ServerContext) async throws -> Rivulet_Control_HeartbeatResponse {
        var response = Rivulet_Control_HeartbeatResponse()
        response.known = resourceManager.heartbeat(resourceID: request.resourceID, session: request.leaderSessionID)
        return response
    }
}

/// gRPC adapter of the JobMasters, routed by job id.
struct JobMasterService: Rivulet_Control_JobMasterGateway.SimpleServiceProtocol {
    let dispatcher: Dispatcher
    var session: String { dispatcher.resourceManager.leaderSessionID }

    func fenced(_ received: String) throws {
        guard received == session else { throw fencingError(received, expected: session) }
    }

    func master(_ jobID: String) throws -> JobMaster {
        do {
            return try dispatcher.job(jobID)
        } catch {
            throw RPCError(code: .notFound, message: "no job \(jobID) on this JobManager")
        }
    }

    func offerSlots(request: Rivulet_Control_OfferSlotsRequest, context: ServerContext) async throws -> Rivulet_Control_OfferSlotsResponse {
        try fenced(request.leaderSessionID)
        var response = Rivulet_Control_OfferSlotsResponse()
        response.acceptedAllocationIds = try master(request.jobID).offer(request.slots.map(\.allocationID))
        return response
    }

    func updateTaskExecutionState(request: Rivulet_Control_TaskExecutionState, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try fenced(request.leaderSessionID)
        let task = ExecutionAttemptID(request.execution)
        let state: ExecutionState
        switch request.state {
        case .deploying: state = .deploying
        case .initializing: state = .initializing
        case .running: state = .running
        case .finished: state = .finished
        case .canceled: state = .canceled
        case .failed: state = .failed
        case .unspecified, .UNRECOGNIZED:
            throw RPCError(code: .invalidArgument, message: "task \(task) reported no known execution state")
        }
        try master(task.jobID).taskStateChanged(TaskExecutionStateUpdate(
            task: task, state: state, resourceID: request.resourceID, error: request.error.isEmpty ? nil : request.error,
            unrecoverable: request.unrecoverable, metrics: request.hasMetrics ? TaskMetricsSample(request.metrics) : nil))
        return .init()
    }

    func acknowledgeCheckpoint(request: Rivulet_Control_AcknowledgeCheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try fenced(request.leaderSessionID)
        let e = request.execution
        guard let coordinator = try master(e.jobID).coordinator(attempt: Int(e.attempt)) else { return .init() }
        let states: [String: SubtaskStateHandle]
        do {
            states = try decodeCodable([String: SubtaskStateHandle].self, from: [UInt8](request.stateHandles))
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot read the state handles: \(error)")
        }
        let id = ExecutionID(vertex: Int(e.vertex), subtask: Int(e.subtask))
        try await runBlocking { coordinator.acknowledge(checkpointID: request.checkpointID, task: id, states: states) }
        return .init()
    }

    func declineCheckpoint(request: Rivulet_Control_DeclineCheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try fenced(request.leaderSessionID)
        let e = request.execution
        guard let coordinator = try master(e.jobID).coordinator(attempt: Int(e.attempt)) else { return .init() }
        let id = ExecutionID(vertex: Int(e.vertex), subtask: Int(e.subtask))
        try await runBlocking { coordinator.decline(checkpointID: request.checkpointID, task: id, reason: request.reason) }
        return .init()
    }

    func taskFinishedInput(request: Rivulet_Control_TaskFinishedInputRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try fenced(request.leaderSessionID)
        let e = request.execution
        guard let coordinator = try master(e.jobID).coordinator(attempt: Int(e.attempt)) else { return .init() }
        coordinator.taskFinished(ExecutionID(vertex: Int(e.vertex), subtask: Int(e.subtask)))
        return .init()
    }

    func heartbeat(request: Rivulet_Control_JobMasterHeartbeatRequest, context: ServerContext) async throws -> Rivulet_Control_HeartbeatResponse {
        var response = Rivulet_Control_HeartbeatResponse()
        guard request.leaderSessionID == session, let job = try? dispatcher.job(request.jobID) else { return response }
        response.known = job.heartbeat(resourceID: request.resourceID, tasks: request.tasks.map(TaskMetricsSample.init))
        return response
    }
}

extension TaskMetricsSample {
    init(_ m: Rivulet_Control_TaskMetrics) {
        self.init(task: ExecutionAttemptID(m.execution), recordsIn: m.recordsIn, recordsOut: m.recordsOut,
                  backPressuredNanos: m.backPressuredNanos)
    }
}
