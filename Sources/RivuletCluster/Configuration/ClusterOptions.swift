// Configuration keys of the cluster's processes: addresses, ports, slots, heartbeats, timeouts.

import RivuletRuntime

/// The JobManager's, the TaskManagers' and the REST API's keys (Flink's JobManagerOptions,
/// TaskManagerOptions, RestOptions, HeartbeatManagerOptions and ClusterOptions).
public enum ClusterOptions: ConfigOptionGroup {
    public static let title = "Cluster: JobManager, TaskManagers, REST, heartbeats"

    static func nonEmpty(_ value: String) -> String? { value.isEmpty ? "must not be empty" : nil }

    public static let jobManagerAddress = ConfigOption<String>.text(
        "jobmanager.rpc.address", default: "127.0.0.1", "Host TaskManagers and clients reach the JobManager's RPC at.", check: nonEmpty)
    public static let jobManagerPort = ConfigOption<Int>.port(
        "jobmanager.rpc.port", default: 6123, "Port of the JobManager's RPC (ResourceManager and JobMaster gateways).")
    public static let jobManagerBindHost = ConfigOption<String>.text(
        "jobmanager.bind-host", default: "127.0.0.1", "Interface the JobManager's RPC server binds to.", check: nonEmpty)
    public static let restAddress = ConfigOption<String>.text(
        "rest.address", default: "127.0.0.1", "Host clients reach the REST API at.", check: nonEmpty)
    public static let restPort = ConfigOption<Int>.port("rest.port", default: 8081, "Port of the REST API.")
    public static let restBindAddress = ConfigOption<String>.text(
        "rest.bind-address", default: "127.0.0.1", "Interface the REST server binds to.", check: nonEmpty)
    public static let restMaxContentLength = ConfigOption<Int>.bytes(
        "rest.server.max-content-length", default: "1 mb", "Largest request body the REST API accepts.")
    public static let taskManagerHost = ConfigOption<String>.text(
        "taskmanager.host", default: "127.0.0.1", "Host other processes reach this TaskManager at.", check: nonEmpty)
    public static let taskManagerBindHost = ConfigOption<String>.text(
        "taskmanager.bind-host", default: "127.0.0.1", "Interface the TaskManager's servers bind to.", check: nonEmpty)
    public static let taskManagerRPCPort = ConfigOption<Int>.port(
        "taskmanager.rpc.port", default: 0, "Port of the TaskManager's RPC (0: any free port).")
    public static let taskManagerDataPort = ConfigOption<Int>.port(
        "taskmanager.data.port", default: 0, "Port of the TaskManager's data connections (0: any free port).")
    public static let numberOfTaskSlots = ConfigOption<Int>.integer(
        "taskmanager.numberOfTaskSlots", default: 1, in: 1...1024, "Slots of a TaskManager; a slot runs one subtask of every vertex.")
    public static let taskManagerResourceID = ConfigOption<String>.text(
        "taskmanager.resource-id", default: "", "Stable id of the TaskManager (default: host:port and a random suffix).")
    public static let heartbeatInterval = ConfigOption<Duration>.duration(
        "heartbeat.interval", default: "10 s", "Time between heartbeats of TaskManagers to the ResourceManager and JobMasters.")
    public static let heartbeatTimeout = ConfigOption<Duration>.duration(
        "heartbeat.timeout", default: "50 s", "Silence after which a TaskManager (or, for a TaskManager, the JobManager) counts as lost.")
    public static let slotRequestTimeout = ConfigOption<Duration>.duration(
        "slot.request.timeout", default: "5 min", "How long a job waits for enough free slots before it fails.")
    public static let jobStoreExpiration = ConfigOption<Duration>.duration(
        "jobstore.expiration-time", default: "1 h",
        "How long an ended job stays listed (with its final state, across JobManager failovers) before it is forgotten.")
    public static let registrationInitialTimeout = ConfigOption<Duration>.duration(
        "cluster.registration.initial-timeout", default: "100 ms", "First wait before a TaskManager retries registering.")
    public static let registrationMaxTimeout = ConfigOption<Duration>.duration(
        "cluster.registration.max-timeout", default: "30 s", "Longest wait between a TaskManager's registration attempts.")
    public static let rpcTimeout = ConfigOption<Duration>.duration(
        "rpc.timeout", default: "10 s", "Deadline of every control-plane call.")

    public static let options = [
        jobManagerAddress.erased, jobManagerPort.erased, jobManagerBindHost.erased, restAddress.erased, restPort.erased,
        restBindAddress.erased, restMaxContentLength.erased, taskManagerHost.erased, taskManagerBindHost.erased,
        taskManagerRPCPort.erased, taskManagerDataPort.erased, numberOfTaskSlots.erased, taskManagerResourceID.erased,
        heartbeatInterval.erased, heartbeatTimeout.erased, slotRequestTimeout.erased, registrationInitialTimeout.erased,
        registrationMaxTimeout.erased, rpcTimeout.erased, jobStoreExpiration.erased,
    ]
}

extension ConfigurationSchema {
    /// Every key a cluster process reads: the engine's, the cluster's and high availability's.
    public static let cluster = ConfigurationSchema.engine.adding([
        ClusterOptions.self, HighAvailabilityOptions.self, LoggingOptions.self, MetricOptions.self, SecurityOptions.self,
    ])
}
