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
    /// How the ResourceManager reaches the TaskExecutor; emptied at shutdown, which breaks the
    /// reference cycle between the two (each reaches the other through its gateway).
    private let executorSlot = ExecutorSlot()

    init(slots: Int, logger: Logger) throws {
        let session = ha.election.sessionID
        let settings = try Configuration(
            [
                ClusterOptions.taskManagerResourceID.key: "local",
                ClusterOptions.taskManagerHost.key: "localhost",
            ], schema: .cluster)
        var taskManager = TaskManagerSettings(settings)
        // As many as the job needs (up to its parallelism, 32768), not the 1024 a TaskManager
        // process may configure.
        taskManager.slots = slots
        // The ResourceManager reaches the TaskExecutor (made below) directly.
        let executorSlot = self.executorSlot
        let resourceManager = ResourceManager(
            leaderSessionID: session, heartbeatIntervalMillis: settings[ClusterOptions.heartbeatInterval].milliseconds,
            heartbeatTimeoutMillis: settings[ClusterOptions.heartbeatTimeout].milliseconds, acceptsInProcess: true, logger: logger
        ) { registration, session in
            guard let executor = executorSlot.executor.withLock({ $0 }), executor.resourceID == registration.resourceID else {
                throw GatewayError(.refused, "no TaskManager \(registration.resourceID) in this process")
            }
            return LocalTaskExecutorGateway(executor: executor, session: session)
        }
        let dispatcher = Dispatcher(
            catalog: JobCatalog([]), clusterConfiguration: [:], resourceManager: resourceManager, ha: ha, logger: logger)
        let gateway = LocalJobManagerGateway(resourceManager: resourceManager, dispatcher: dispatcher)
        let executor = TaskExecutor(
            settings: taskManager, jobs: jobs, dataPlane: .inProcess(), leaderRetrieval: ha.election, logger: logger
        ) { _, _ in gateway }
        executorSlot.executor.withLock { $0 = executor }
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

    /// Stops the TaskExecutor and the ResourceManager and lets go of the job (it has ended).
    func shutdown(jobID: String) {
        registration.cancel()
        dispatcher.shutdown()
        executor.shutdown()
        resourceManager.shutdown()
        executorSlot.executor.withLock { $0 = nil }
        jobs.remove(jobID)
    }
}

/// The TaskExecutor an in-process ResourceManager connects to.
private final class ExecutorSlot: Sendable {
    let executor = Mutex<TaskExecutor?>(nil)
}
