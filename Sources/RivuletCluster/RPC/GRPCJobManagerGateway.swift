// The ResourceManager and JobMaster gateways over gRPC, as a TaskManager calls them.

import Foundation
import GRPCCore
import RivuletRuntime
import RivuletCore
import RivuletRPC

/// Calls the gRPC gateways of the JobManager at one address, each call with the `rpc.timeout`
/// deadline; gRPC failures become `GatewayError`s.
package final class GRPCJobManagerGateway: JobManagerGateway {
    let endpoint: RPCEndpoint
    let options: CallOptions

    package init(host: String, port: Int, rpcTimeoutMillis: Int64, tls: InternalTLS? = nil) throws {
        endpoint = try RPCEndpoint(
            host: host, port: port, key: "the JobManager's address (jobmanager.rpc.address)", security: tls?.clientSecurity ?? .plaintext)
        options = RPCEndpoint.options(timeoutMillis: rpcTimeoutMillis)
    }

    package func close() { endpoint.close() }

    // MARK: ResourceManagerGateway

    package func registerTaskExecutor(_ registration: TaskManagerRegistration) async throws -> RegistrationAccepted {
        var request = Rivulet_Control_RegisterTaskExecutorRequest()
        request.address.resourceID = registration.resourceID
        request.address.host = registration.host
        request.address.rpcPort = Int32(registration.rpcPort)
        request.address.dataPort = Int32(registration.dataPort)
        request.numberOfSlots = Int32(registration.slots)
        request.processID = registration.processID
        let response = try await translatingErrors { try await endpoint.resourceManager.registerTaskExecutor(request, options: options) }
        return RegistrationAccepted(
            leaderSessionID: response.leaderSessionID, heartbeatIntervalMillis: response.heartbeatIntervalMillis,
            heartbeatTimeoutMillis: response.heartbeatTimeoutMillis)
    }

    package func sendSlotReport(resourceID: String, slots: [SlotStatus], session: String) async throws {
        var report = Rivulet_Control_SlotReport()
        report.resourceID = resourceID
        report.leaderSessionID = session
        report.slots = slots.map(Rivulet_Control_SlotStatus.init)
        _ = try await translatingErrors { try await endpoint.resourceManager.sendSlotReport(report, options: options) }
    }

    package func heartbeat(resourceID: String, status: ProcessStatus?, session: String) async throws -> Bool {
        var beat = Rivulet_Control_TaskManagerHeartbeat()
        beat.resourceID = resourceID
        beat.leaderSessionID = session
        if let status { beat.status = Rivulet_Control_ProcessStatus(status) }
        return try await translatingErrors { try await endpoint.resourceManager.heartbeat(beat, options: options) }.known
    }

    // MARK: JobMasterGateway

    package func offerSlots(jobID: String, slots: [SlotStatus], session: String) async throws -> [String] {
        var offer = Rivulet_Control_OfferSlotsRequest()
        offer.leaderSessionID = session
        offer.jobID = jobID
        offer.slots = slots.map(Rivulet_Control_SlotStatus.init)
        return try await translatingErrors { try await endpoint.jobMaster.offerSlots(offer, options: options) }.acceptedAllocationIds
    }

    package func updateTaskExecutionState(_ update: TaskExecutionStateUpdate, session: String) async throws {
        var message = Rivulet_Control_TaskExecutionState()
        message.leaderSessionID = session
        message.resourceID = update.resourceID
        message.execution = Rivulet_Control_ExecutionRef(update.task)
        guard let state = Rivulet_Control_ExecutionState(update.state) else {
            throw GatewayError(.invalidRequest, "a TaskManager does not report \(update.state.rawValue)")
        }
        message.state = state
        message.error = update.error ?? ""
        message.unrecoverable = update.unrecoverable
        if let metrics = update.metrics { message.metrics = Rivulet_Control_TaskMetrics(metrics) }
        let prepared = message
        _ = try await translatingErrors { try await endpoint.jobMaster.updateTaskExecutionState(prepared, options: options) }
    }

    package func acknowledgeCheckpoint(
        task: ExecutionAttemptID, checkpointID: Int64, states: [String: SubtaskStateHandle],
        session: String
    ) async throws {
        var request = Rivulet_Control_AcknowledgeCheckpointRequest()
        request.leaderSessionID = session
        request.execution = Rivulet_Control_ExecutionRef(task)
        request.checkpointID = checkpointID
        do {
            request.stateHandles = Data(try encodeCodable(states))
        } catch {
            throw GatewayError(.invalidRequest, "cannot encode the state handles of \(task): \(error)")
        }
        let prepared = request
        _ = try await translatingErrors { try await endpoint.jobMaster.acknowledgeCheckpoint(prepared, options: options) }
    }

    package func declineCheckpoint(task: ExecutionAttemptID, checkpointID: Int64, reason: String, session: String) async throws {
        var request = Rivulet_Control_DeclineCheckpointRequest()
        request.leaderSessionID = session
        request.execution = Rivulet_Control_ExecutionRef(task)
        request.checkpointID = checkpointID
        request.reason = reason
        _ = try await translatingErrors { try await endpoint.jobMaster.declineCheckpoint(request, options: options) }
    }

    package func taskFinishedInput(task: ExecutionAttemptID, session: String) async throws {
        var request = Rivulet_Control_TaskFinishedInputRequest()
        request.leaderSessionID = session
        request.execution = Rivulet_Control_ExecutionRef(task)
        _ = try await translatingErrors { try await endpoint.jobMaster.taskFinishedInput(request, options: options) }
    }

    package func heartbeat(jobID: String, resourceID: String, tasks: [TaskMetricsSample], session: String) async throws -> Bool {
        var beat = Rivulet_Control_JobMasterHeartbeatRequest()
        beat.jobID = jobID
        beat.leaderSessionID = session
        beat.resourceID = resourceID
        beat.tasks = tasks.map(Rivulet_Control_TaskMetrics.init)
        return try await translatingErrors { try await endpoint.jobMaster.heartbeat(beat, options: options) }.known
    }
}
