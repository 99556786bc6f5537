// What a TaskManager asks of the leading JobManager's ResourceManager.

/// The ResourceManager as a TaskManager reaches it (Flink's ResourceManagerGateway). Calls
/// after registration carry the leader session the registration returned; a JobManager that
/// no longer leads under it refuses them.
package protocol ResourceManagerGateway: Sendable {
    /// Registers (or registers again) a TaskManager; the answer holds the leader session to present.
    func registerTaskExecutor(_ registration: TaskManagerRegistration) async throws -> RegistrationAccepted
    /// Reports the TaskManager's slots: the ResourceManager adopts allocations it does not know.
    func sendSlotReport(resourceID: String, slots: [SlotStatus], session: String) async throws
    /// A TaskManager's heartbeat with its process's CPU and memory; false when the
    /// ResourceManager no longer knows it (register again).
    func heartbeat(resourceID: String, status: ProcessStatus?, session: String) async throws -> Bool
    /// Releases the connection once calls in flight end.
    func close()
}

/// Both JobManager gateways a TaskManager uses, reached at the leader's one RPC address.
package typealias JobManagerGateway = ResourceManagerGateway & JobMasterGateway
