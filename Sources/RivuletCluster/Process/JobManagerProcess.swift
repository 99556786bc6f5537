// `rivulet jobmanager`: the Dispatcher, the ResourceManager, the JobMasters and the REST API.

import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Hummingbird
import Logging
import Rivulet
import ServiceLifecycle
import Synchronization

/// The JobManager process: runs for leadership and, while it leads, serves the RPC gateways
/// and the REST API. Stops gracefully on SIGTERM and SIGINT.
public final class JobManagerProcess: LeaderContender {
    let configuration: Configuration
    let catalog: JobCatalog
    let election: any LeaderElectionService
    let logger: Logger
    private let leader = Mutex<(ResourceManager, Dispatcher)?>(nil)
    private let granted = AsyncStream<String>.makeStream()

    public init(configuration: Configuration, catalog: JobCatalog, election: any LeaderElectionService = StandaloneLeaderElection(),
                logger: Logger = Logger(label: "rivulet.jobmanager")) {
        self.configuration = configuration
        self.catalog = catalog
        self.election = election
        self.logger = logger
    }

    public func grantLeadership(sessionID: String) async {
        granted.continuation.yield(sessionID)
    }

    public func revokeLeadership() async {
        let lost = leader.withLock { l -> (ResourceManager, Dispatcher)? in
            defer { l = nil }
            return l
        }
        if let (rm, dispatcher) = lost {
            logger.warning("leadership revoked: stopping every JobMaster")
            dispatcher.shutdown()
            rm.shutdown()
        }
    }

    /// Runs until SIGTERM or SIGINT.
    public func run() async throws {
        try await election.start(contender: self)
        var iterator = granted.stream.makeAsyncIterator()
        guard let session = await iterator.next() else { return }
        let c = configuration
        let rm = ResourceManager(leaderSessionID: session, heartbeatIntervalMillis: c.millis("heartbeat.interval"),
                                 heartbeatTimeoutMillis: c.millis("heartbeat.timeout"), rpcTimeoutMillis: c.millis("rpc.timeout"),
                                 logger: logger)
        let dispatcher = Dispatcher(catalog: catalog, clusterConfiguration: c.values, resourceManager: rm, logger: logger)
        leader.withLock { $0 = (rm, dispatcher) }
        let rpcHost = c.string("jobmanager.bind-host"), rpcPort = c.int("jobmanager.rpc.port")
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: rpcHost, port: rpcPort), transportSecurity: .plaintext)
        let server = GRPCServer(transport: transport, services: [ResourceManagerService(resourceManager: rm),
                                                                 JobMasterService(dispatcher: dispatcher)])
        let restHost = c.string("rest.bind-address"), restPort = c.int("rest.port")
        let logger = self.logger
        let app = Application(
            router: RestServer.router(dispatcher: dispatcher, maxBodyBytes: c.bytes("rest.server.max-content-length")),
            configuration: .init(address: .hostname(restHost, port: restPort), serverName: "rivulet"),
            onServerRunning: { channel in
                logger.info("REST API listening on \(channel.localAddress.map { "\($0)" } ?? "\(restHost):\(restPort)")")
            },
            logger: logger)
        let monitor = HeartbeatMonitorService(resourceManager: rm)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: GRPCServerService(server: server)), .init(service: app), .init(service: monitor)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger))
        logger.info("JobManager leads with session \(session); RPC on \(rpcHost):\(rpcPort)")
        let info = LeaderInformation(sessionID: session, rpcHost: c.string("jobmanager.rpc.address"), rpcPort: rpcPort,
                                     restHost: c.string("rest.address"), restPort: restPort)
        try await election.confirmLeadership(info)
        do {
            try await group.run()
        } catch {
            logger.error("JobManager stopped: \(error)")
            dispatcher.shutdown()
            rm.shutdown()
            await election.stop()
            throw error
        }
        logger.info("JobManager shutting down")
        dispatcher.shutdown()
        rm.shutdown()
        await election.stop()
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
