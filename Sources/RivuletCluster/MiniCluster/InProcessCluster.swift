// A JobManager's components and one TaskExecutor in this process, joined by in-process gateways.

import Foundation
import Logging
import RivuletNetwork
import RivuletRuntime
import Synchronization

/// The MiniCluster's components: a ResourceManager and a Dispatcher under one leader session
/// (granted at once by embedded HA services), and one TaskExecutor with `slots` slots and a
/// data plane that never leaves the process. No port is opened.
final class InProcessCluster: Sendable {
    let ha = EmbeddedHAServices()
    let jobs = JobSource(catalog: JobCatalog([]))
    let resourceManager: ResourceManager
    let dispatcher: Dispatcher
    let executor: TaskExecutor
    private let registration: Task<Void, Never>

    init(slots: Int, logger: Logger) throws {
        let session = ha.election.sessionID
        let settings = try Configuration(
            [
                ClusterOptions.numberOfTaskSlots.key: String(slots),
                ClusterOptions.taskManagerResourceID.key: "local",
                ClusterOptions.taskManagerHost.key: "localhost",
            ], schema: .cluster)
        // The ResourceManager reaches the TaskExecutor (made below) directly.
        let executorSlot = Mutex<TaskExecutor?>(nil)
        let resourceManager = ResourceManager(
            leaderSessionID: session, heartbeatIntervalMillis: settings[ClusterOptions.heartbeatInterval].milliseconds,
            heartbeatTimeoutMillis: settings[ClusterOptions.heartbeatTimeout].milliseconds, logger: logger
        ) { registration, session in
            guard let executor = executorSlot.withLock({ $0 }), executor.resourceID == registration.resourceID else {
                throw GatewayError(.refused, "no TaskManager \(registration.resourceID) in this process")
            }
            return LocalTaskExecutorGateway(executor: executor, session: session)
        }
        let dispatcher = Dispatcher(
            catalog: JobCatalog([]), clusterConfiguration: [:], resourceManager: resourceManager, ha: ha, logger: logger)
        let gateway = LocalJobManagerGateway(resourceManager: resourceManager, dispatcher: dispatcher)
        let executor = TaskExecutor(
            settings: TaskManagerSettings(settings), jobs: jobs, dataPlane: .inProcess(), leaderRetrieval: ha.election, logger: logger
        ) { _, _ in gateway }
        executorSlot.withLock { $0 = executor }
        self.resourceManager = resourceManager
        self.dispatcher = dispatcher
        self.executor = executor
        // Leading before the TaskExecutor looks for a leader: it registers at its first try.
        let election = ha.election
        registration = Task {
            try? await election.confirmLeadership(
                LeaderInformation(sessionID: session, rpcHost: "in-process", rpcPort: 0, restHost: "in-process", restPort: 0))
            await executor.runRegistration()
        }
    }

    /// Stops the TaskExecutor and the ResourceManager (the job has ended).
    func shutdown() {
        registration.cancel()
        executor.shutdown()
        resourceManager.shutdown()
    }
}
