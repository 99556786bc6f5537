// What every HighAvailabilityServices implementation promises, checked on each: embedded (in
// memory), ZooKeeper (a real server) and standalone (nothing outlives the leader).

import Foundation
import Logging
import Rivulet
@testable import RivuletCluster
import RivuletZooKeeper
import Synchronization
import XCTest
import RivuletTesting

/// A contender that records the sessions it was granted.
final class RecordingContender: LeaderContender {
    let sessions = Mutex<[String]>([])
    func grantLeadership(sessionID: String) async { sessions.withLock { $0.append(sessionID) } }
    func revokeLeadership() async {}
}

final class HighAvailabilityContractTests: XCTestCase {
    let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Leads through `ha`'s election, then checks the stores of a durable implementation.
    func checkDurableContract(_ ha: any HighAvailabilityServices) async throws {
        XCTAssertTrue(ha.jobsOutliveLeader)
        let contender = RecordingContender()
        try await ha.leaderElection.start(contender: contender)
        let deadline = ContinuousClock.now + .seconds(30)
        while contender.sessions.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertEqual(contender.sessions.withLock { $0.count }, 1, "the only contender leads")

        // Job graphs: stored, listed, read back, removed; storing again replaces.
        let job = StoredJob(
            jobID: "job-a", submission: JobSubmission(job: "keyed-sum", arguments: ["--count", "5"], parallelism: 2),
            configuration: ["parallelism.default": "2"])
        try await ha.putJobGraph(StoredJob(jobID: "job-a", submission: JobSubmission(job: "older"), configuration: [:]))
        try await ha.putJobGraph(job)
        try await ha.putJobGraph(StoredJob(jobID: "job-b", submission: JobSubmission(job: "wordcount"), configuration: [:]))
        let ids = try await ha.jobGraphIDs()
        XCTAssertEqual(ids.sorted(), ["job-a", "job-b"])
        let read = try await ha.jobGraph("job-a")
        XCTAssertEqual(read.submission.job, "keyed-sum")
        XCTAssertEqual(read.submission.arguments, ["--count", "5"])
        XCTAssertEqual(read.configuration, ["parallelism.default": "2"])
        try await ha.removeJobGraph("job-b")
        try await ha.removeJobGraph("job-b")
        let left = try await ha.jobGraphIDs()
        XCTAssertEqual(left, ["job-a"])
        do {
            _ = try await ha.jobGraph("job-b")
            XCTFail("a removed job graph cannot be read")
        } catch {}

        // Job results: the first result of a job stays, with the job as it ended; results are
        // listed oldest end first, and a removed one is gone.
        let none = try await ha.jobResult("job-a")
        XCTAssertNil(none)
        let ended = JobDetail(
            id: "job-a", name: "keyed-sum", status: .finished, attempt: 1, startTime: 10, endTime: 42, durationMillis: 32,
            arguments: ["--count", "5"], exceptions: ["a failure"],
            checkpoints: [CheckpointDetail(id: 3, durationMillis: 5, stateBytes: 100, uploadedBytes: 40)])
        try await ha.putJobResult(JobResult(jobID: "job-a", status: .finished, endTime: 42, detail: ended))
        try await ha.putJobResult(JobResult(jobID: "job-a", status: .failed, endTime: 43))
        let result = try await ha.jobResult("job-a")
        XCTAssertEqual(result, JobResult(jobID: "job-a", status: .finished, endTime: 42, detail: ended))
        try await ha.putJobResult(JobResult(jobID: "job-c", status: .canceled, endTime: 41))
        let listed = try await ha.jobResults()
        XCTAssertEqual(listed.map(\.jobID), ["job-c", "job-a"])
        try await ha.removeJobResult("job-c")
        try await ha.removeJobResult("job-c")
        let kept = try await ha.jobResults()
        XCTAssertEqual(kept.map(\.jobID), ["job-a"])

        // Checkpoints: ids continue from the counter's start and only grow; pointers are listed
        // oldest first; a removed pointer is gone; removing the job's data forgets them all.
        try await ha.initializeCheckpointCounter("job-a", start: 7)
        try await ha.initializeCheckpointCounter("job-a", start: 1)
        let store = try XCTUnwrap(ha.checkpointRecoveryStore(jobID: "job-a"))
        let (first, second) = try await onThread { (try store.nextCheckpointID(), try store.nextCheckpointID()) }
        XCTAssertEqual(first, 7, "the counter starts where it was first initialised")
        XCTAssertEqual(second, 8)
        try await onThread {
            try store.addCheckpoint(8, directory: "/checkpoints/job-a/chk-8")
            try store.addCheckpoint(7, directory: "/checkpoints/job-a/chk-7")
            try store.addCheckpoint(9, directory: "/checkpoints/job-a/chk-9")
            try store.removeCheckpoint(7)
        }
        let pointers = try await ha.checkpointPointers("job-a")
        XCTAssertEqual(pointers.map(\.id), [8, 9])
        XCTAssertEqual(pointers.map(\.directory), ["/checkpoints/job-a/chk-8", "/checkpoints/job-a/chk-9"])
        try await ha.removeCheckpointPointer("job-a", 8)
        try await ha.removeCheckpointPointer("job-a", 8)
        let remaining = try await ha.checkpointPointers("job-a")
        XCTAssertEqual(remaining.map(\.id), [9])
        try await ha.removeJobData("job-a")
        let forgotten = try await ha.checkpointPointers("job-a")
        XCTAssertTrue(forgotten.isEmpty)
        await ha.leaderElection.stop()
    }

    /// Runs blocking store calls off the cooperative pool, as the checkpoint coordinator does.
    func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await runBlocking(body)
    }

    func testEmbeddedServicesKeepWhatANewLeaderNeeds() async throws {
        try await checkDurableContract(EmbeddedHAServices())
    }

    func testZooKeeperServicesKeepWhatANewLeaderNeeds() async throws {
        let server = try ZooKeeperServerFixture()
        defer { server.stop() }
        let configuration = try Configuration(
            [
                "high-availability.type": "zookeeper", "high-availability.zookeeper.quorum": server.connectString,
                "high-availability.storageDir": server.directory.appendingPathComponent("ha").path,
                "high-availability.cluster-id": "contract",
            ], schema: .cluster)
        let settings = try XCTUnwrap(try HighAvailabilitySettings.from(configuration))
        let ha = try await ZooKeeperHAServices.connect(settings, logger: logger)
        defer { ha.close() }
        try await checkDurableContract(ha)
    }

    /// With `acl: creator` the contract holds, and another ZooKeeper client, without the
    /// digest or with a wrong one, can neither read nor change the leader, the job graphs or
    /// the checkpoint pointers: every attempt is refused and nothing changes.
    func testZooKeeperServicesWithACreatorACLRefuseClientsWithoutTheirDigest() async throws {
        let server = try ZooKeeperServerFixture()
        defer { server.stop() }
        let configuration = try Configuration(
            [
                "high-availability.type": "zookeeper", "high-availability.zookeeper.quorum": server.connectString,
                "high-availability.storageDir": server.directory.appendingPathComponent("ha").path,
                "high-availability.cluster-id": "secured", "high-availability.zookeeper.client.acl": "creator",
                "high-availability.zookeeper.client.digest": "rivulet:s3cret",
            ], schema: .cluster)
        let settings = try XCTUnwrap(try HighAvailabilitySettings.from(configuration, environment: [:]))
        let ha = try await ZooKeeperHAServices.connect(settings, logger: logger)
        defer { ha.close() }
        try await checkDurableContract(ha)
        ha.close()

        // A leader (a new session: the contract stopped the first one's election), a job graph
        // and a checkpoint pointer to attack.
        let secured = try await ZooKeeperHAServices.connect(settings, logger: logger)
        defer { secured.close() }
        let contender = RecordingContender()
        try await secured.leaderElection.start(contender: contender)
        let deadline = ContinuousClock.now + .seconds(30)
        while contender.sessions.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let session = try XCTUnwrap(contender.sessions.withLock { $0.first })
        try await secured.leaderElection.confirmLeadership(
            LeaderInformation(sessionID: session, rpcHost: "127.0.0.1", rpcPort: 6123, restHost: "127.0.0.1", restPort: 8081))
        try await secured.putJobGraph(StoredJob(jobID: "job-s", submission: JobSubmission(job: "keyed-sum"), configuration: [:]))
        try await secured.initializeCheckpointCounter("job-s", start: 1)
        let store = try XCTUnwrap(secured.checkpointRecoveryStore(jobID: "job-s"))
        try await onThread { try store.addCheckpoint(7, directory: "/data/chk-7") }

        let targets = [settings.connectionInfoPath, secured.jobGraphsPath + "/job-s", secured.checkpointsPath("job-s")]
        for authentication in [nil, ZooKeeperAuthentication.digest("rivulet:guess"), .digest("intruder:s3cret")] {
            let attacker = ZooKeeperClient(
                connectString: server.connectString, sessionTimeoutMillis: 4000, connectionTimeoutMillis: 10_000,
                authentication: authentication)
            try await attacker.start()
            defer { attacker.close() }
            let who = authentication?.credentials ?? "no credentials"
            for path in targets {
                await assertRefused("read \(path) with \(who)") { _ = try await attacker.get(path) }
                await assertRefused("change \(path) with \(who)") { _ = try await attacker.setData(path, data: Array("evil".utf8)) }
                await assertRefused("delete \(path) with \(who)") { try await attacker.delete(path) }
            }
            await assertRefused("list the job graphs with \(who)") { _ = try await attacker.getChildren(secured.jobGraphsPath) }
            await assertRefused("add a job graph with \(who)") { _ = try await attacker.create(secured.jobGraphsPath + "/evil") }
        }

        // Nothing changed, and the digest's owner still reads everything.
        let leader = try await secured.client.get(settings.connectionInfoPath)
        XCTAssertTrue(String(decoding: leader.data, as: UTF8.self).contains(session))
        let graphs = try await secured.jobGraphIDs()
        XCTAssertEqual(graphs.sorted(), ["job-a", "job-s"], "the contract's job and this one, no other")
        let pointers = try await secured.checkpointPointers("job-s")
        XCTAssertEqual(pointers.map(\.id), [7])
        let owner = ZooKeeperClient(
            connectString: server.connectString, sessionTimeoutMillis: 4000, connectionTimeoutMillis: 10_000,
            authentication: .digest("rivulet:s3cret"))
        try await owner.start()
        defer { owner.close() }
        let read = try await owner.getChildren(secured.jobGraphsPath)
        XCTAssertEqual(read.sorted(), ["job-a", "job-s"])
        await secured.leaderElection.stop()
    }

    func assertRefused(_ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
            XCTFail("\(what) was allowed")
        } catch let error as ZooKeeperError {
            XCTAssertEqual(error.code, .noAuth, "\(what): \(error)")
        } catch {
            XCTFail("\(what): \(error)")
        }
    }

    /// A creator ACL needs credentials: without them the configuration is refused, naming the key.
    func testACreatorACLWithoutCredentialsIsRefused() throws {
        let configuration = try Configuration(
            [
                "high-availability.type": "zookeeper", "high-availability.zookeeper.quorum": "127.0.0.1:2181",
                "high-availability.storageDir": "/tmp/ha", "high-availability.zookeeper.client.acl": "creator",
            ], schema: .cluster)
        XCTAssertThrowsError(try HighAvailabilitySettings.from(configuration, environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("high-availability.zookeeper.client.digest"), "\(error)")
        }
        let fromEnvironment = try XCTUnwrap(
            try HighAvailabilitySettings.from(configuration, environment: ["RIVULET_ZOOKEEPER_DIGEST": "rivulet:s3cret"]))
        XCTAssertEqual(fromEnvironment.authentication, .digest("rivulet:s3cret"))
        XCTAssertEqual(fromEnvironment.acl, .creatorOnly)
    }

    func testStandaloneServicesLeadAtOnceAndKeepNoJobs() async throws {
        let ha = StandaloneHAServices()
        XCTAssertFalse(ha.jobsOutliveLeader)
        let contender = RecordingContender()
        try await ha.leaderElection.start(contender: contender)
        XCTAssertEqual(contender.sessions.withLock { $0.count }, 1, "a standalone JobManager leads at once")
        try await ha.putJobGraph(StoredJob(jobID: "job-a", submission: JobSubmission(job: "keyed-sum"), configuration: [:]))
        let ids = try await ha.jobGraphIDs()
        XCTAssertTrue(ids.isEmpty, "without high availability no job graph is kept")
        XCTAssertNil(ha.checkpointRecoveryStore(jobID: "job-a"), "checkpoints live in the coordinator's memory")
        let pointers = try await ha.checkpointPointers("job-a")
        XCTAssertTrue(pointers.isEmpty)
        try await ha.putJobResult(JobResult(jobID: "job-a", status: .canceled, endTime: 1))
        let result = try await ha.jobResult("job-a")
        XCTAssertEqual(result?.status, .canceled)
        let listed = try await ha.jobResults()
        XCTAssertEqual(listed.map(\.jobID), ["job-a"], "results are kept in memory")
        try await ha.removeJobResult("job-a")
        let none = try await ha.jobResults()
        XCTAssertTrue(none.isEmpty)
    }
}
