// `rivulet jobmanager`: the Dispatcher, the ResourceManager, the JobMasters and the REST API.

import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Hummingbird
import HummingbirdTLS
import Logging
import RivuletRuntime
import ServiceLifecycle
import Synchronization

/// The JobManager process: runs for leadership and, for each term it leads, serves the RPC
/// gateways and the REST API and runs the jobs. A standalone JobManager leads from the start;
/// with ZooKeeper it waits as a standby until elected (its REST port redirecting to the
/// leader), stops its JobMasters at once when leadership is revoked, and competes again.
/// Stops gracefully on SIGTERM and SIGINT.
public final class JobManagerProcess: LeaderContender {
    let configuration: Configuration
    let catalog: JobCatalog
    let logger: Logger
    enum Change: Sendable {
        case grant(String)
        case revoke
        case shutdown
    }
    /// Leadership changes and the shutdown request, in order.
    private let changes = AsyncStream<Change>.makeStream()
    /// The current term's Dispatcher, to stop its JobMasters at once on revocation.
    private let term = Mutex<Dispatcher?>(nil)
    /// The port the REST server listens on, once it does (it serves every term).
    private let restPort = Mutex<Int?>(nil)
    /// The REST server's answers: this term's API, or a redirect to the leader.
    private let responder: StandbyRedirectResponder
    /// This process's metrics, served at `/metrics` on the REST port.
    package let metrics: MetricRegistry
    let sampler: JobManagerMetrics

    public convenience init(configuration: Configuration, catalog: JobCatalog, logger: Logger = Logger(label: "rivulet.jobmanager")) {
        self.init(configuration: configuration, catalog: catalog, metrics: MetricRegistry(), logger: logger)
    }

    /// High availability services given by the caller instead of those the configuration names.
    let givenHA: (any HighAvailabilityServices)?

    package init(
        configuration: Configuration, catalog: JobCatalog, metrics: MetricRegistry, logger: Logger,
        ha: (any HighAvailabilityServices)? = nil
    ) {
        self.configuration = configuration
        self.catalog = catalog
        self.logger = logger
        self.metrics = metrics
        givenHA = ha
        sampler = JobManagerMetrics(registry: metrics, host: configuration[ClusterOptions.restAddress])
        responder = StandbyRedirectResponder(
            metrics: metrics, authenticator: RestAuthenticator(token: SecurityOptions.token(configuration), logger: logger))
        responder.onScrape.withLock { $0 = { [weak self] in self?.sampleMetricsNow() } }
    }

    /// Samples this process and the current term's cluster into `metrics`.
    func sampleMetricsNow() {
        sampler.sample(term.withLock { $0 })
    }

    /// The Dispatcher of the current leadership term, nil while standing by.
    package var currentDispatcher: Dispatcher? { term.withLock { $0 } }

    /// Samples this process and the current term's cluster into `metrics` until shutdown.
    fileprivate func sampleMetrics() async {
        let interval = configuration[MetricOptions.sampleInterval]
        while !Task.isCancelled {
            sampleMetricsNow()
            try? await Task.sleep(for: max(interval, .milliseconds(10)))
        }
    }

    public func grantLeadership(sessionID: String) async {
        changes.continuation.yield(.grant(sessionID))
    }

    public func revokeLeadership() async {
        // Stop acting as leader before anything else runs: no checkpoint completes and no job
        // records a result from here on.
        if let dispatcher = term.withLock({ $0 }) {
            logger.warning("leadership revoked: suspending every JobMaster")
            dispatcher.suspendAll()
            dispatcher.resourceManager.shutdown()
        }
        changes.continuation.yield(.revoke)
    }

    /// Runs until SIGTERM or SIGINT.
    public func run() async throws {
        // Bad TLS files stop the process here, naming the key.
        _ = try InternalTLS.from(configuration)
        // A bind address that does not resolve stops the process here, naming the key.
        for option in [ClusterOptions.jobManagerBindHost, ClusterOptions.restBindAddress] {
            _ = try ConfiguredHost(configuration[option]).resolved(key: option.key)
        }
        let ha: any HighAvailabilityServices
        if let givenHA {
            ha = givenHA
        } else if let settings = try HighAvailabilitySettings.from(configuration) {
            logger.info("connecting to ZooKeeper at \(settings.quorum) (session timeout \(settings.sessionTimeoutMillis) ms)")
            ha = try await ZooKeeperHAServices.connect(settings, logger: logger)
        } else {
            ha = StandaloneHAServices()
        }
        // One REST server for the process's life: the leader's API during a term, a redirect
        // to the leader while standing by.
        if let zk = ha as? ZooKeeperHAServices {
            let retrieval = await zk.leaderRetrieval()
            responder.retrieval.withLock { $0 = retrieval }
        }
        let restHost = try ConfiguredHost(configuration[ClusterOptions.restBindAddress]).resolved(key: ClusterOptions.restBindAddress.key)
        let configuredPort = configuration[ClusterOptions.restPort]
        let restTLS = try RestTLS.server(configuration)
        responder.scheme.withLock { $0 = restTLS == nil ? "http" : "https" }
        let app = Application(
            responder: responder,
            server: try restTLS.map { try .tls(.http1(), tlsConfiguration: try $0.serverConfiguration()) } ?? .http1(),
            configuration: .init(address: .hostname(restHost.literal, port: configuredPort), serverName: "rivulet"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuredPort
                self.restPort.withLock { $0 = port }
                self.responder.own.withLock { $0 = (self.configuration[ClusterOptions.restAddress], port) }
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app), .init(service: LeadershipService(process: self, ha: ha)),
                    .init(service: PeriodicService { [self] in await sampleMetrics() }),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger))
        defer { ha.close() }
        try await group.run()
        logger.info("JobManager stopped")
    }

    /// Competes for leadership and runs one term per grant until the process shuts down.
    fileprivate func competeAndLead(ha: any HighAvailabilityServices) async throws {
        let election = ha.leaderElection
        try await withGracefulShutdownHandler {
            try await election.start(contender: self)
            if ha.jobsOutliveLeader { logger.info("JobManager started as a standby; waiting for leadership") }
            var iterator = changes.stream.makeAsyncIterator()
            while let change = await iterator.next() {
                guard case .grant(let session) = change else {
                    if case .shutdown = change { break }
                    continue
                }
                let shutDown = try await lead(session: session, election: election, ha: ha, changes: &iterator)
                if shutDown { break }
            }
            await election.stop()
        } onGracefulShutdown: { [changes] in
            changes.continuation.yield(.shutdown)
        }
    }

    /// One term: serves until leadership is revoked (returns false) or the process shuts
    /// down (returns true). A term that cannot recover its jobs or publish its address throws:
    /// the process exits and its supervisor starts it again.
    private func lead(
        session: String, election: any LeaderElectionService, ha: any HighAvailabilityServices,
        changes iterator: inout AsyncStream<Change>.Iterator
    ) async throws -> Bool {
        let c = configuration
        var logger = self.logger
        logger[metadataKey: "session"] = "\(session.prefix(8))"
        let rpcTimeoutMillis = c[ClusterOptions.rpcTimeout].milliseconds
        let tls = try InternalTLS.from(c)
        let rm = ResourceManager(
            leaderSessionID: session, heartbeatIntervalMillis: c[ClusterOptions.heartbeatInterval].milliseconds,
            heartbeatTimeoutMillis: c[ClusterOptions.heartbeatTimeout].milliseconds, logger: logger
        ) { registration, session in
            try GRPCTaskExecutorGateway(
                resourceID: registration.resourceID, host: registration.host, port: registration.rpcPort,
                session: session, rpcTimeoutMillis: rpcTimeoutMillis, tls: tls)
        }
        let dispatcher = Dispatcher(catalog: catalog, clusterConfiguration: c.values, resourceManager: rm, ha: ha, logger: logger)
        term.withLock { $0 = dispatcher }
        defer { term.withLock { $0 = nil } }
        let rpcHost = try ConfiguredHost(c[ClusterOptions.jobManagerBindHost]).resolved(key: ClusterOptions.jobManagerBindHost.key)
        let rpcPort = c[ClusterOptions.jobManagerPort]
        let transport = HTTP2ServerTransport.Posix(
            address: rpcHost.socketAddress(port: rpcPort), transportSecurity: tls?.serverSecurity ?? .plaintext)
        let gateway = LocalJobManagerGateway(resourceManager: rm, dispatcher: dispatcher)
        let server = GRPCServer(
            transport: transport,
            services: [
                ResourceManagerService(gateway: gateway),
                JobMasterService(gateway: gateway),
            ])
        let restHost = try ConfiguredHost(c[ClusterOptions.restBindAddress]).resolved(key: ClusterOptions.restBindAddress.key)
        let api = RestServer.router(dispatcher: dispatcher, maxBodyBytes: c[ClusterOptions.restMaxContentLength]).buildResponder()
        responder.term.withLock { $0 = api }
        defer { responder.term.withLock { $0 = nil } }
        let services = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: GRPCServerService(server: server)),
                    .init(service: HeartbeatMonitorService(resourceManager: rm)),
                ],
                gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let serving = Task { try await services.run() }
        defer { serving.cancel() }
        // Publish where this leader is once both servers are bound.
        let listening = try await transport.listeningAddress
        guard let boundRPC = listening.ipv4?.port ?? listening.ipv6?.port else {
            throw ClusterError("the JobManager's RPC server is not listening on an IP address")
        }
        var boundREST = restPort.withLock { $0 }
        while boundREST == nil {
            try await Task.sleep(for: .milliseconds(5))
            boundREST = restPort.withLock { $0 }
        }
        let restPort = boundREST ?? c[ClusterOptions.restPort]
        logger.info("JobManager leads with session \(session); RPC on \(rpcHost.with(port: boundRPC)), REST on \(restHost.with(port: restPort))")
        try await dispatcher.recoverJobs()
        try await election.confirmLeadership(
            LeaderInformation(
                sessionID: session, rpcHost: c[ClusterOptions.jobManagerAddress], rpcPort: boundRPC,
                restHost: c[ClusterOptions.restAddress], restPort: restPort))
        // Serve until revoked or shut down.
        var shutDown = true
        while let change = await iterator.next() {
            if case .shutdown = change { break }
            if case .revoke = change { shutDown = false; break }
        }
        if shutDown {
            logger.info("JobManager shutting down")
            // In an HA cluster the jobs go on under the next leader; a standalone JobManager cancels them.
            if ha.jobsOutliveLeader { dispatcher.suspendAll() } else { dispatcher.shutdown() }
        }
        rm.shutdown()
        await services.triggerGracefulShutdown()
        try await serving.value
        if !shutDown { logger.info("term of session \(session) ended; standing by for leadership") }
        return shutDown
    }
}

/// Runs the JobManager's leadership terms inside the process's service group.
private struct LeadershipService: Service {
    let process: JobManagerProcess
    let ha: any HighAvailabilityServices

    func run() async throws {
        try await process.competeAndLead(ha: ha)
    }
}

/// Runs `body` until the process shuts down (it is cancelled then).
struct PeriodicService: Service {
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}

/// Drops TaskManagers whose heartbeats stopped.
struct HeartbeatMonitorService: Service {
    let resourceManager: ResourceManager

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await resourceManager.monitorHeartbeats()
        }
    }
}
