// The JobManager's ResourceManager: registered TaskManagers, their slots, their heartbeats.

import Foundation
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
    /// CPU and memory of the TaskManager's process at its last heartbeat (nil before the first).
    package let status: ProcessStatus?
    /// CPUs the process kept busy between its last two heartbeats (1.0: one core).
    public let cpuLoad: Double

    enum CodingKeys: String, CodingKey {
        case id, host, rpcPort, dataPort, slots, freeSlots, processID, millisSinceHeartbeat, status, cpuLoad
    }
}

/// A TaskManager asking to join: where it is and what it offers.
package struct TaskManagerRegistration: Sendable {
    package var resourceID: String
    package var host: String
    package var rpcPort: Int
    package var dataPort: Int
    package var slots: Int
    package var processID: Int64

    package init(resourceID: String, host: String, rpcPort: Int, dataPort: Int, slots: Int, processID: Int64) {
        self.resourceID = resourceID
        self.host = host
        self.rpcPort = rpcPort
        self.dataPort = dataPort
        self.slots = slots
        self.processID = processID
    }
}

/// What a registered TaskManager is told: the leader session to present, and the heartbeat cadence.
package struct RegistrationAccepted: Sendable, Equatable {
    package var leaderSessionID: String
    package var heartbeatIntervalMillis: Int64
    package var heartbeatTimeoutMillis: Int64

    package init(leaderSessionID: String, heartbeatIntervalMillis: Int64, heartbeatTimeoutMillis: Int64) {
        self.leaderSessionID = leaderSessionID
        self.heartbeatIntervalMillis = heartbeatIntervalMillis
        self.heartbeatTimeoutMillis = heartbeatTimeoutMillis
    }
}

/// One slot as a TaskManager reports it.
package struct SlotStatus: Sendable, Equatable {
    package var index: Int
    package var allocationID: String?
    package var jobID: String?

    package init(index: Int, allocationID: String?, jobID: String?) {
        self.index = index
        self.allocationID = allocationID
        self.jobID = jobID
    }
}

/// Tracks TaskManagers and hands their slots to JobMasters (Flink's ResourceManager). It
/// reaches each TaskManager through a `TaskExecutorGateway` that `connect` makes at
/// registration (gRPC in a cluster, in-process in local mode, a double in tests).
public final class ResourceManager: Sendable {
    /// Makes the gateway to a registering TaskManager for this leader session.
    package typealias Connect = @Sendable (_ registration: TaskManagerRegistration, _ session: String) throws -> any TaskExecutorGateway

    struct Registered {
        var registration: TaskManagerRegistration
        var connection: TaskExecutorConnection
        var slots: [(allocationID: String?, jobID: String?)]
        var lastHeartbeat: ContinuousClock.Instant
        /// The process's resource use at its last heartbeat, and its CPU load since the one before.
        var status: ProcessStatus?
        var cpuLoad = 0.0
    }
    struct State {
        var taskManagers: [String: Registered] = [:]
        var lostListeners: [@Sendable (String, String) -> Void] = []
    }
    private let state = Mutex(State())
    /// Notified when slots may have become free (a TaskManager registered, slots released):
    /// a JobMaster waiting for slots waits on it instead of polling.
    let slotChanges = ChangeSignal()
    let leaderSessionID: String
    let heartbeatIntervalMillis: Int64
    let heartbeatTimeoutMillis: Int64
    let connect: Connect
    let logger: Logger
    /// The time heartbeats are measured by (a manual clock in tests).
    let now: @Sendable () -> ContinuousClock.Instant

    /// Takes registrations of TaskManagers in this process (port 0) too: the MiniCluster's.
    let acceptsInProcess: Bool

    package init(
        leaderSessionID: String, heartbeatIntervalMillis: Int64, heartbeatTimeoutMillis: Int64, acceptsInProcess: Bool = false,
        logger: Logger, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, connect: @escaping Connect
    ) {
        self.leaderSessionID = leaderSessionID
        self.heartbeatIntervalMillis = heartbeatIntervalMillis
        self.heartbeatTimeoutMillis = heartbeatTimeoutMillis
        self.acceptsInProcess = acceptsInProcess
        self.logger = logger
        self.now = now
        self.connect = connect
    }

    /// Calls `listener(resourceID, reason)` whenever a TaskManager is lost.
    func onTaskManagerLost(_ listener: @escaping @Sendable (String, String) -> Void) {
        state.withLock { $0.lostListeners.append(listener) }
    }

    // MARK: Gateway operations

    /// Registers (or registers again) a TaskManager; a TaskManager that registers again lost
    /// its earlier slots and tasks, so the JobMasters hear it as lost first.
    package func register(_ registration: TaskManagerRegistration) throws -> RegistrationAccepted {
        // Port 0: a TaskManager in this process (the MiniCluster's), reached through in-process gateways.
        let ports = (acceptsInProcess ? 0 : 1)...65535
        guard !registration.resourceID.isEmpty, !registration.host.isEmpty, ports.contains(registration.rpcPort),
            ports.contains(registration.dataPort), registration.slots > 0
        else {
            throw GatewayError(.invalidRequest, "a registration needs a resource id, a host, RPC and data ports and at least one slot")
        }
        let connection = TaskExecutorConnection(gateway: try connect(registration, leaderSessionID), logger: logger)
        let replaced = state.withLock { s -> Registered? in
            let old = s.taskManagers[registration.resourceID]
            s.taskManagers[registration.resourceID] = Registered(
                registration: registration, connection: connection,
                slots: Array(repeating: (nil, nil), count: registration.slots), lastHeartbeat: now())
            return old
        }
        if let replaced {
            replaced.connection.close()
            notifyLost(
                registration.resourceID, reason: "TaskManager \(registration.resourceID) registered again (it restarted or lost its JobManager)")
        }
        logger.info(
            "TaskManager \(registration.resourceID) at \(registration.host):\(registration.rpcPort) registered with \(registration.slots) slots")
        slotChanges.notifyAll()
        return RegistrationAccepted(
            leaderSessionID: leaderSessionID, heartbeatIntervalMillis: heartbeatIntervalMillis,
            heartbeatTimeoutMillis: heartbeatTimeoutMillis)
    }

    func heartbeat(resourceID: String, status: ProcessStatus? = nil, session: String) -> Bool {
        guard session == leaderSessionID else { return false }
        let now = self.now()
        return state.withLock { s in
            guard var tm = s.taskManagers[resourceID] else { return false }
            if let status {
                if let previous = tm.status, let load = status.cpuLoad(since: previous, over: now - tm.lastHeartbeat) {
                    tm.cpuLoad = load
                }
                tm.status = status
            }
            tm.lastHeartbeat = now
            s.taskManagers[resourceID] = tm
            return true
        }
    }

    func isRegistered(_ resourceID: String) -> Bool {
        state.withLock { $0.taskManagers[resourceID] != nil }
    }

    func connection(_ resourceID: String) -> TaskExecutorConnection? {
        state.withLock { $0.taskManagers[resourceID]?.connection }
    }

    // MARK: Slots

    /// Number of slots registered in all.
    var totalSlots: Int { state.withLock { $0.taskManagers.values.reduce(0) { $0 + $1.slots.count } } }

    /// Number of registered slots no job holds.
    var freeSlots: Int {
        state.withLock { $0.taskManagers.values.reduce(0) { $0 + $1.slots.filter { $0.allocationID == nil }.count } }
    }

    /// Allocates `count` free slots to `jobID`, spread evenly over the TaskManagers, and asks
    /// each TaskManager to offer its slot to the job. Returns nil when not enough are free.
    func allocate(jobID: String, count: Int) async -> [SlotAllocation]? {
        let picked = state.withLock { s -> [(SlotAllocation, any TaskExecutorGateway)]? in
            var free: [String: [Int]] = [:]
            for (id, tm) in s.taskManagers {
                free[id] = tm.slots.indices.filter { tm.slots[$0].allocationID == nil }
            }
            guard free.values.reduce(0, { $0 + $1.count }) >= count else { return nil }
            var result: [(SlotAllocation, any TaskExecutorGateway)] = []
            let order = free.keys.sorted()
            var round = 0
            while result.count < count {
                for id in order where result.count < count {
                    guard let list = free[id], round < list.count, let tm = s.taskManagers[id] else { continue }
                    let index = list[round]
                    let allocation = SlotAllocation(
                        allocationID: UUID().uuidString.lowercased(), resourceID: id, slotIndex: index,
                        location: TaskLocation(resourceID: id, host: tm.registration.host, dataPort: tm.registration.dataPort))
                    s.taskManagers[id]?.slots[index] = (allocation.allocationID, jobID)
                    result.append((allocation, tm.connection.gateway))
                }
                round += 1
            }
            return result
        }
        guard let picked else { return nil }
        var granted: [SlotAllocation] = []
        for (allocation, gateway) in picked {
            do {
                try await gateway.requestSlot(index: allocation.slotIndex, allocationID: allocation.allocationID, jobID: jobID)
                granted.append(allocation)
            } catch {
                logger.warning("TaskManager \(allocation.resourceID) did not take slot \(allocation.slotIndex): \(error)")
                release([allocation])
                if Self.isUnreachable(error) { taskManagerLost(allocation.resourceID, reason: "unreachable: \(error)") }
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
        slotChanges.notifyAll()
    }

    /// Tells the TaskManagers to free the slots and marks them free.
    func free(_ allocations: [SlotAllocation], reason: String) async {
        for a in allocations {
            guard let connection = connection(a.resourceID) else { continue }
            try? await connection.gateway.freeSlot(allocationID: a.allocationID, reason: reason)
        }
        release(allocations)
    }

    /// Adopts the allocations a TaskManager reports and the ResourceManager does not know
    /// (slots it kept across a re-registration). It never frees a slot on a report's word: a
    /// report can be older than a RequestSlot still on its way.
    package func slotReport(resourceID: String, slots: [SlotStatus]) {
        state.withLock { s in
            guard var tm = s.taskManagers[resourceID] else { return }
            for status in slots where tm.slots.indices.contains(status.index) {
                if let allocationID = status.allocationID, tm.slots[status.index].allocationID == nil {
                    tm.slots[status.index] = (allocationID, status.jobID)
                }
            }
            s.taskManagers[resourceID] = tm
        }
    }

    // MARK: Liveness

    /// Drops TaskManagers silent past the heartbeat timeout every half interval; runs until cancelled.
    func monitorHeartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(max(50, heartbeatIntervalMillis / 2)))
            expireSilentTaskManagers()
        }
    }

    /// Drops the TaskManagers whose last heartbeat is older than the timeout; returns their ids.
    @discardableResult
    func expireSilentTaskManagers() -> [String] {
        let now = self.now()
        let silent = state.withLock { s in
            s.taskManagers.filter { now - $0.value.lastHeartbeat > .milliseconds(heartbeatTimeoutMillis) }.map(\.key).sorted()
        }
        for id in silent { taskManagerLost(id, reason: "no heartbeat for more than \(heartbeatTimeoutMillis) ms") }
        return silent
    }

    /// Forgets a TaskManager and tells the JobMasters.
    func taskManagerLost(_ resourceID: String, reason: String) {
        let removed = state.withLock { $0.taskManagers.removeValue(forKey: resourceID) }
        guard let removed else { return }
        removed.connection.close()
        logger.warning("TaskManager \(resourceID) lost: \(reason)")
        notifyLost(resourceID, reason: reason)
    }

    private func notifyLost(_ resourceID: String, reason: String) {
        let listeners = state.withLock { $0.lostListeners }
        for listener in listeners { listener(resourceID, "TaskManager \(resourceID) lost: \(reason)") }
    }

    static func isUnreachable(_ error: any Error) -> Bool {
        (error as? GatewayError)?.kind == .unreachable
    }

    /// The registered TaskManagers.
    var summaries: [TaskManagerSummary] {
        let now = self.now()
        return state.withLock { s in
            s.taskManagers.values.map { tm in
                let since = now - tm.lastHeartbeat
                return TaskManagerSummary(
                    id: tm.registration.resourceID, host: tm.registration.host, rpcPort: tm.registration.rpcPort,
                    dataPort: tm.registration.dataPort, slots: tm.slots.count,
                    freeSlots: tm.slots.filter { $0.allocationID == nil }.count, processID: tm.registration.processID,
                    millisSinceHeartbeat: since.components.seconds * 1000 + since.components.attoseconds / 1_000_000_000_000_000,
                    status: tm.status, cpuLoad: tm.cpuLoad)
            }.sorted { $0.id < $1.id }
        }
    }

    func shutdown() {
        let all = state.withLock { s -> [Registered] in
            defer { s.taskManagers.removeAll() }
            return Array(s.taskManagers.values)
        }
        for tm in all { tm.connection.close() }
    }
}

/// A registered TaskManager as the JobManager holds it: its gateway, and a queue for the calls
/// whose order matters (cancellations and checkpoint control reach a task in the order sent).
final class TaskExecutorConnection: Sendable {
    let gateway: any TaskExecutorGateway
    let logger: Logger
    private let queue = SerialCallQueue()

    init(gateway: any TaskExecutorGateway, logger: Logger) {
        self.gateway = gateway
        self.logger = logger
    }

    /// Queues a call after the ones before it; returns at once, and a failure is logged.
    func send(_ what: String, _ call: @escaping @Sendable (any TaskExecutorGateway) async throws -> Void) {
        let gateway = self.gateway, logger = self.logger
        queue.enqueue {
            do {
                try await call(gateway)
            } catch {
                logger.warning("\(what) to TaskManager \(gateway.resourceID) failed: \(error)")
            }
        }
    }

    func close() {
        queue.finish()
        gateway.close()
    }
}
