// The JobManager's ResourceManager: registered TaskManagers, their slots, their heartbeats.

import RivuletRPC
import Foundation
import GRPCCore
import Logging
import Synchronization

/// A slot given to a job.
public struct SlotAllocation: Sendable, Hashable {
    public let allocationID: String
    public let resourceID: String
    public let slotIndex: Int
    public let location: TaskLocation
}

/// A registered TaskManager as the REST API shows it.
public struct TaskManagerSummary: Sendable, Codable {
    public let id: String
    public let host: String
    public let rpcPort: Int
    public let dataPort: Int
    public let slots: Int
    public let freeSlots: Int
    public let processID: Int64
    public let millisSinceHeartbeat: Int64
}

/// Tracks TaskManagers and hands their slots to JobMasters (Flink's ResourceManager).
public final class ResourceManager: Sendable {
    struct Registered {
        var address: Rivulet_Control_TaskManagerAddress
        var gateway: TaskManagerGateway
        var slots: [(allocationID: String?, jobID: String?)]
        var lastHeartbeat: ContinuousClock.Instant
        var processID: Int64
    }
    struct State {
        var taskManagers: [String: Registered] = [:]
        var lostListeners: [@Sendable (String, String) -> Void] = []
    }
    private let state = Mutex(State())
    let leaderSessionID: String
    let heartbeatIntervalMillis: Int64
    let heartbeatTimeoutMillis: Int64
    let rpcTimeoutMillis: Int64
    let logger: Logger

    public init(leaderSessionID: String, heartbeatIntervalMillis: Int64, heartbeatTimeoutMillis: Int64,
                rpcTimeoutMillis: Int64, logger: Logger) {
        self.leaderSessionID = leaderSessionID
        self.heartbeatIntervalMillis = heartbeatIntervalMillis
        self.heartbeatTimeoutMillis = heartbeatTimeoutMillis
        self.rpcTimeoutMillis = rpcTimeoutMillis
        self.logger = logger
    }

    /// Calls `listener(resourceID, reason)` whenever a TaskManager is lost.
    func onTaskManagerLost(_ listener: @escaping @Sendable (String, String) -> Void) {
        state.withLock { $0.lostListeners.append(listener) }
    }

    // MARK: Gateway operations

    func register(_ request: Rivulet_Control_RegisterTaskExecutorRequest) throws -> Rivulet_Control_RegisterTaskExecutorResponse {
        let address = request.address
        guard !address.resourceID.isEmpty, !address.host.isEmpty, address.rpcPort > 0, address.dataPort > 0, request.numberOfSlots > 0 else {
            throw RPCError(code: .invalidArgument, message: "a registration needs a resource id, a host, RPC and data ports and at least one slot")
        }
        let gateway = TaskManagerGateway(endpoint: try RPCEndpoint(host: address.host, port: Int(address.rpcPort)),
                                         resourceID: address.resourceID, rpcTimeoutMillis: rpcTimeoutMillis, logger: logger)
        let replaced = state.withLock { s -> Registered? in
            let old = s.taskManagers[address.resourceID]
            s.taskManagers[address.resourceID] = Registered(
                address: address, gateway: gateway,
                slots: Array(repeating: (nil, nil), count: Int(request.numberOfSlots)),
                lastHeartbeat: .now, processID: request.processID)
            return old
        }
        if let replaced {
            replaced.gateway.close()
            notifyLost(address.resourceID, reason: "TaskManager \(address.resourceID) registered again (it restarted or lost its JobManager)")
        }
        logger.info("TaskManager \(address.resourceID) at \(address.host):\(address.rpcPort) registered with \(request.numberOfSlots) slots")
        var response = Rivulet_Control_RegisterTaskExecutorResponse()
        response.leaderSessionID = leaderSessionID
        response.heartbeatIntervalMillis = heartbeatIntervalMillis
        response.heartbeatTimeoutMillis = heartbeatTimeoutMillis
        return response
    }

    func heartbeat(resourceID: String, session: String) -> Bool {
        guard session == leaderSessionID else { return false }
        return state.withLock { s in
            guard s.taskManagers[resourceID] != nil else { return false }
            s.taskManagers[resourceID]?.lastHeartbeat = .now
            return true
        }
    }

    func isRegistered(_ resourceID: String) -> Bool {
        state.withLock { $0.taskManagers[resourceID] != nil }
    }

    func gateway(_ resourceID: String) -> TaskManagerGateway? {
        state.withLock { $0.taskManagers[resourceID]?.gateway }
    }

    // MARK: Slots

    /// Number of slots registered in all.
    var totalSlots: Int { state.withLock { $0.taskManagers.values.reduce(0) { $0 + $1.slots.count } } }

    /// Allocates `count` free slots to `jobID`, spread evenly over the TaskManagers, and asks
    /// each TaskManager to offer its slot to the job. Returns nil when not enough are free.
    func allocate(jobID: String, count: Int) async -> [SlotAllocation]? {
        let picked = state.withLock { s -> [(SlotAllocation, TaskManagerGateway)]? in
            var free: [String: [Int]] = [:]
            for (id, tm) in s.taskManagers {
                free[id] = tm.slots.indices.filter { tm.slots[$0].allocationID == nil }
            }
            guard free.values.reduce(0, { $0 + $1.count }) >= count else { return nil }
            var result: [(SlotAllocation, TaskManagerGateway)] = []
            let order = free.keys.sorted()
            var round = 0
            while result.count < count {
                for id in order where result.count < count {
                    guard let list = free[id], round < list.count, let tm = s.taskManagers[id] else { continue }
                    let index = list[round]
                    let allocation = SlotAllocation(allocationID: UUID().uuidString.lowercased(), resourceID: id, slotIndex: index,
                                                    location: TaskLocation(resourceID: id, host: tm.address.host, dataPort: Int(tm.address.dataPort)))
                    s.taskManagers[id]?.slots[index] = (allocation.allocationID, jobID)
                    result.append((allocation, tm.gateway))
                }
                round += 1
            }
            return result
        }
        guard let picked else { return nil }
        var granted: [SlotAllocation] = []
        for (allocation, gateway) in picked {
            var request = Rivulet_Control_RequestSlotRequest()
            request.leaderSessionID = leaderSessionID
            request.slotIndex = Int32(allocation.slotIndex)
            request.allocationID = allocation.allocationID
            request.jobID = jobID
            do {
                _ = try await gateway.endpoint.taskExecutor.requestSlot(request, options: gateway.options)
                granted.append(allocation)
            } catch {
                logger.warning("TaskManager \(allocation.resourceID) did not take slot \(allocation.slotIndex): \(TaskExecutor.describe(error))")
                release([allocation])
                if Self.isUnreachable(error) { taskManagerLost(allocation.resourceID, reason: "unreachable: \(TaskExecutor.describe(error))") }
            }
        }
        if granted.count < count {
            await free(granted, reason: "not every slot could be allocated")
            return nil
        }
        return granted
    }

    /// Allocation ids of the slots given to `jobID`.
    func allocations(of jobID: String) -> Set<String> {
        state.withLock { s in
            Set(s.taskManagers.values.flatMap { tm in tm.slots.compactMap { $0.jobID == jobID ? $0.allocationID : nil } })
        }
    }

    /// Marks slots free in the registry.
    func release(_ allocations: [SlotAllocation]) {
        state.withLock { s in
            for a in allocations where s.taskManagers[a.resourceID]?.slots.indices.contains(a.slotIndex) == true {
                if s.taskManagers[a.resourceID]?.slots[a.slotIndex].allocationID == a.allocationID {
                    s.taskManagers[a.resourceID]?.slots[a.slotIndex] = (nil, nil)
                }
            }
        }
    }

    /// Tells the TaskManagers to free the slots and marks them free.
    func free(_ allocations: [SlotAllocation], reason: String) async {
        for a in allocations {
            guard let gateway = gateway(a.resourceID) else { continue }
            var request = Rivulet_Control_FreeSlotRequest()
            request.leaderSessionID = leaderSessionID
            request.allocationID = a.allocationID
            request.reason = reason
            _ = try? await gateway.endpoint.taskExecutor.freeSlot(request, options: gateway.options)
        }
        release(allocations)
    }

    /// Adopts the allocations a TaskManager reports and the ResourceManager does not know
    /// (slots it kept across a re-registration). It never frees a slot on a report's word: a
    /// report can be older than a RequestSlot still on its way.
    func slotReport(resourceID: String, slots: [Rivulet_Control_SlotStatus]) {
        state.withLock { s in
            guard var tm = s.taskManagers[resourceID] else { return }
            for status in slots where tm.slots.indices.contains(Int(status.slotIndex)) && !status.allocationID.isEmpty {
                if tm.slots[Int(status.slotIndex)].allocationID == nil {
                    tm.slots[Int(status.slotIndex)] = (status.allocationID, status.jobID)
                }
            }
            s.taskManagers[resourceID] = tm
        }
    }

    // MARK: Liveness

    /// Drops TaskManagers silent past the heartbeat timeout; runs until cancelled.
    func monitorHeartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(max(50, heartbeatIntervalMillis / 2)))
            let now = ContinuousClock.now
            let silent = state.withLock { s in
                s.taskManagers.filter { now - $0.value.lastHeartbeat > .milliseconds(heartbeatTimeoutMillis) }.map(\.key)
            }
            for id in silent { taskManagerLost(id, reason: "no heartbeat for more than \(heartbeatTimeoutMillis) ms") }
        }
    }

    /// Forgets a TaskManager and tells the JobMasters.
    func taskManagerLost(_ resourceID: String, reason: String) {
        let removed = state.withLock { $0.taskManagers.removeValue(forKey: resourceID) }
        guard let removed else { return }
        removed.gateway.close()
        logger.warning("TaskManager \(resourceID) lost: \(reason)")
        notifyLost(resourceID, reason: reason)
    }

    private func notifyLost(_ resourceID: String, reason: String) {
        let listeners = state.withLock { $0.lostListeners }
        for listener in listeners { listener(resourceID, "TaskManager \(resourceID) lost: \(reason)") }
    }

    static func isUnreachable(_ error: any Error) -> Bool {
        guard let rpc = error as? RPCError else { return false }
        return rpc.code == .unavailable || rpc.code == .deadlineExceeded
    }

    /// The registered TaskManagers.
    var summaries: [TaskManagerSummary] {
        let now = ContinuousClock.now
        return state.withLock { s in
            s.taskManagers.values.map { tm in
                let since = now - tm.lastHeartbeat
                return TaskManagerSummary(id: tm.address.resourceID, host: tm.address.host, rpcPort: Int(tm.address.rpcPort),
                                          dataPort: Int(tm.address.dataPort), slots: tm.slots.count,
                                          freeSlots: tm.slots.filter { $0.allocationID == nil }.count, processID: tm.processID,
                                          millisSinceHeartbeat: since.components.seconds * 1000 + since.components.attoseconds / 1_000_000_000_000_000)
            }.sorted { $0.id < $1.id }
        }
    }

    func shutdown() {
        let all = state.withLock { s -> [Registered] in
            defer { s.taskManagers.removeAll() }
            return Array(s.taskManagers.values)
        }
        for tm in all { tm.gateway.close() }
    }
}

/// The JobManager's client of one TaskManager: calls with deadlines, and an ordered queue for
/// checkpoint control.
public final class TaskManagerGateway: Sendable {
    let endpoint: RPCEndpoint
    let resourceID: String
    let rpcTimeoutMillis: Int64
    let logger: Logger
    let queue = SerialCallQueue()

    init(endpoint: RPCEndpoint, resourceID: String, rpcTimeoutMillis: Int64, logger: Logger) {
        self.endpoint = endpoint
        self.resourceID = resourceID
        self.rpcTimeoutMillis = rpcTimeoutMillis
        self.logger = logger
    }

    var options: CallOptions { RPCEndpoint.options(timeoutMillis: rpcTimeoutMillis) }

    /// Queues a call after the ones before it; failures are logged.
    func send(_ what: String, _ call: @escaping @Sendable (Rivulet_Control_TaskExecutorGateway.Client<RPCEndpoint.Transport>, CallOptions) async throws -> Void) {
        let endpoint = self.endpoint, options = self.options, logger = self.logger, resourceID = self.resourceID
        queue.enqueue {
            do {
                try await call(endpoint.taskExecutor, options)
            } catch {
                logger.warning("\(what) to TaskManager \(resourceID) failed: \(TaskExecutor.describe(error))")
            }
        }
    }

    func close() {
        queue.finish()
        endpoint.close()
    }
}
