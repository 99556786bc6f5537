// The JobManager's gRPC services: messages translated to the in-process gateway's domain calls.

import Foundation
import GRPCCore
import RivuletRuntime
import RivuletCore
import RivuletRPC

/// gRPC adapter of the ResourceManager.
struct ResourceManagerService: Rivulet_Control_ResourceManagerGateway.SimpleServiceProtocol {
    let gateway: LocalJobManagerGateway

    func registerTaskExecutor(
        request: Rivulet_Control_RegisterTaskExecutorRequest, context: ServerContext
    ) async throws -> Rivulet_Control_RegisterTaskExecutorResponse {
        let a = request.address
        let registration = TaskManagerRegistration(
            resourceID: a.resourceID, host: a.host, rpcPort: Int(a.rpcPort), dataPort: Int(a.dataPort),
            slots: Int(request.numberOfSlots), processID: request.processID)
        let accepted = try await answering { try await gateway.registerTaskExecutor(registration) }
        var response = Rivulet_Control_RegisterTaskExecutorResponse()
        response.leaderSessionID = accepted.leaderSessionID
        response.heartbeatIntervalMillis = accepted.heartbeatIntervalMillis
        response.heartbeatTimeoutMillis = accepted.heartbeatTimeoutMillis
        return response
    }

    func sendSlotReport(request: Rivulet_Control_SlotReport, context: ServerContext) async throws -> Rivulet_Control_Ack {
        let slots = request.slots.map(SlotStatus.init)
        try await answering { try await gateway.sendSlotReport(resourceID: request.resourceID, slots: slots, session: request.leaderSessionID) }
        return .init()
    }

    func heartbeat(request: Rivulet_Control_TaskManagerHeartbeat, context: ServerContext) async throws -> Rivulet_Control_HeartbeatResponse {
        var response = Rivulet_Control_HeartbeatResponse()
        response.known = try await answering {
            try await gateway.heartbeat(
                resourceID: request.resourceID, status: request.hasStatus ? ProcessStatus(request.status) : nil,
                session: request.leaderSessionID)
        }
        return response
    }
}

/// gRPC adapter of the JobMasters, routed by job id.
struct JobMasterService: Rivulet_Control_JobMasterGateway.SimpleServiceProtocol {
    let gateway: LocalJobManagerGateway

    func offerSlots(request: Rivulet_Control_OfferSlotsRequest, context: ServerContext) async throws -> Rivulet_Control_OfferSlotsResponse {
        var response = Rivulet_Control_OfferSlotsResponse()
        response.acceptedAllocationIds = try await answering {
            try await gateway.offerSlots(jobID: request.jobID, slots: request.slots.map(SlotStatus.init), session: request.leaderSessionID)
        }
        return response
    }

    func updateTaskExecutionState(request: Rivulet_Control_TaskExecutionState, context: ServerContext) async throws -> Rivulet_Control_Ack {
        let task = ExecutionAttemptID(request.execution)
        guard let state = ExecutionState(request.state) else {
            throw RPCError(code: .invalidArgument, message: "task \(task) reported no known execution state")
        }
        let update = TaskExecutionStateUpdate(
            task: task, state: state, resourceID: request.resourceID, error: request.error.isEmpty ? nil : request.error,
            unrecoverable: request.unrecoverable, metrics: request.hasMetrics ? TaskMetricsSample(request.metrics) : nil)
        try await answering { try await gateway.updateTaskExecutionState(update, session: request.leaderSessionID) }
        return .init()
    }

    func acknowledgeCheckpoint(request: Rivulet_Control_AcknowledgeCheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        let states: [String: SubtaskStateHandle]
        do {
            states = try decodeCodable([String: SubtaskStateHandle].self, from: [UInt8](request.stateHandles))
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot read the state handles: \(error)")
        }
        try await answering {
            try await gateway.acknowledgeCheckpoint(
                task: ExecutionAttemptID(request.execution), checkpointID: request.checkpointID,
                states: states, session: request.leaderSessionID)
        }
        return .init()
    }

    func declineCheckpoint(request: Rivulet_Control_DeclineCheckpointRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering {
            try await gateway.declineCheckpoint(
                task: ExecutionAttemptID(request.execution), checkpointID: request.checkpointID,
                reason: request.reason, session: request.leaderSessionID)
        }
        return .init()
    }

    func taskFinishedInput(request: Rivulet_Control_TaskFinishedInputRequest, context: ServerContext) async throws -> Rivulet_Control_Ack {
        try await answering { try await gateway.taskFinishedInput(task: ExecutionAttemptID(request.execution), session: request.leaderSessionID) }
        return .init()
    }

    func heartbeat(request: Rivulet_Control_JobMasterHeartbeatRequest, context: ServerContext) async throws -> Rivulet_Control_HeartbeatResponse {
        var response = Rivulet_Control_HeartbeatResponse()
        response.known = try await answering {
            try await gateway.heartbeat(
                jobID: request.jobID, resourceID: request.resourceID, tasks: request.tasks.map(TaskMetricsSample.init),
                session: request.leaderSessionID)
        }
        return response
    }
}
