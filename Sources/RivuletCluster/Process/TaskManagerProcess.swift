// `rivulet taskmanager`: a TaskExecutor with its RPC server and data plane.

import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Logging
import RivuletRuntime
import RivuletNetwork
import ServiceLifecycle

/// The TaskManager process: binds its data plane and RPC server, registers with the
/// JobManager and runs what it is given. Stops gracefully on SIGTERM and SIGINT: its tasks
/// are cancelled and its slots freed.
public struct TaskManagerProcess: Sendable {
    let configuration: Configuration
    let catalog: JobCatalog
    let logger: Logger
    /// This process's metrics, served on `metrics.reporter.prom.port` when it is set.
    package let metrics: MetricRegistry

    public init(configuration: Configuration, catalog: JobCatalog, logger: Logger = Logger(label: "rivulet.taskmanager")) {
        self.init(configuration: configuration, catalog: catalog, metrics: MetricRegistry(), logger: logger)
    }

    /// Where the leader is, given by the caller (a JobManager in this process) instead of the configuration.
    let givenRetrieval: (any LeaderRetrievalService)?

    package init(
        configuration: Configuration, catalog: JobCatalog, metrics: MetricRegistry, logger: Logger,
        leaderRetrieval: (any LeaderRetrievalService)? = nil
    ) {
        self.configuration = configuration
        self.catalog = catalog
        self.logger = logger
        self.metrics = metrics
        givenRetrieval = leaderRetrieval
    }

    public func run() async throws {
        let settings = TaskManagerSettings(configuration)
        let bindHost = try ConfiguredHost(settings.bindHost).resolved(key: ClusterOptions.taskManagerBindHost.key)
        let tls = try InternalTLS.from(configuration)
        let dataPlane = try await DataPlane.start(
            host: bindHost.literal, port: settings.dataPort, tls: try tls?.dataPlane { [logger] in logger.warning("\($0)") })
        let retrieval: any LeaderRetrievalService
        var ha: ZooKeeperHAServices?
        if let givenRetrieval {
            retrieval = givenRetrieval
        } else if let settings = try HighAvailabilitySettings.from(configuration) {
            logger.info("connecting to ZooKeeper at \(settings.quorum) to follow the leading JobManager")
            let services = try await ZooKeeperHAServices.connect(settings, logger: logger)
            ha = services
            retrieval = await services.leaderRetrieval()
        } else {
            retrieval = StandaloneLeaderRetrieval(
                rpcHost: configuration[ClusterOptions.jobManagerAddress],
                rpcPort: configuration[ClusterOptions.jobManagerPort],
                restHost: configuration[ClusterOptions.restAddress], restPort: configuration[ClusterOptions.restPort])
        }
        defer { ha?.close() }
        let rpcTimeoutMillis = settings.rpcTimeoutMillis
        let executor = TaskExecutor(
            settings: settings, catalog: catalog, dataPlane: dataPlane, leaderRetrieval: retrieval,
            logger: logger
        ) { host, port in
            try GRPCJobManagerGateway(host: host, port: port, rpcTimeoutMillis: rpcTimeoutMillis, tls: tls)
        }
        let transport = HTTP2ServerTransport.Posix(
            address: bindHost.socketAddress(port: settings.rpcPort), transportSecurity: tls?.serverSecurity ?? .plaintext)
        let server = GRPCServer(transport: transport, services: [TaskExecutorService(executor: executor)])
        let service = TaskExecutorProcessService(
            executor: executor, server: server, transport: transport, logger: logger, security: tls == nil ? "plaintext" : "mutual TLS")
        let sampler = TaskManagerMetrics(
            registry: metrics, resourceID: executor.resourceID, host: settings.host, rateWindow: configuration[MetricOptions.rateWindow])
        let interval = max(configuration[MetricOptions.sampleInterval], .milliseconds(10))
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: service),
            .init(
                service: PeriodicService {
                    while !Task.isCancelled {
                        sampler.sample(executor.runningTasks)
                        try? await Task.sleep(for: interval)
                    }
                }),
        ]
        if let ports = PortRange(configuration[MetricOptions.prometheusPort])?.ports {
            let authenticator = RestAuthenticator(token: SecurityOptions.token(configuration), logger: logger)
            services.append(
                .init(
                    service: PrometheusEndpoint(
                        registry: metrics, host: bindHost.literal, ports: ports, logger: logger, authenticator: authenticator,
                        tls: try RestTLS.server(configuration))))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        defer { executor.shutdown() }
        try await group.run()
        await dataPlane.shutdown()
        logger.info("TaskManager \(executor.resourceID) stopped")
    }
}

/// Serves the TaskExecutorGateway and, once it is bound, registers with the JobManager.
struct TaskExecutorProcessService: Service {
    let executor: TaskExecutor
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let transport: HTTP2ServerTransport.Posix
    let logger: Logger
    /// How its connections are secured, for the start-up line.
    let security: String

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                let listening = try await transport.listeningAddress
                guard let port = listening.ipv4?.port ?? listening.ipv6?.port else {
                    throw ClusterError("the TaskManager's RPC server is not listening on an IP address")
                }
                executor.rpcPort.store(port, ordering: .relaxed)
                logger.info(
                    "TaskManager \(executor.resourceID): RPC on port \(port), data on port \(executor.dataPlane.port) (\(security)), \(executor.settings.slots) slots"
                )
                group.addTask {
                    await cancelWhenGracefulShutdown { await executor.runRegistration() }
                }
            }
        } onGracefulShutdown: {
            executor.shutdown()
            server.beginGracefulShutdown()
        }
    }
}
