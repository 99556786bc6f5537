// Chaining decisions and validation of the StreamGraph -> JobGraph translation.

import XCTest
import Foundation
@testable import RivuletCore

final class JobGraphGeneratorTests: XCTestCase {
    func node(
        _ id: Int, _ name: String, p: Int = 2, source: Bool = false, chaining: Bool = true,
        uid: String? = nil, keyed: Bool = false
    ) -> StreamNodeShape {
        StreamNodeShape(
            id: id, name: name, uid: uid, parallelism: p, maxParallelism: 128,
            chainingAllowed: chaining, isSource: source, usesKeyedState: keyed)
    }

    func testForwardEdgesWithEqualParallelismChain() throws {
        let g = StreamGraphTopology(
            jobName: "j", nodes: [node(0, "Source", source: true), node(1, "Map"), node(2, "Filter")],
            edges: [
                StreamEdgeShape(source: 0, target: 1, partitioning: .forward),
                StreamEdgeShape(source: 1, target: 2, partitioning: .forward),
            ])
        let job = try JobGraphGenerator.createJobGraph(g)
        XCTAssertEqual(job.vertices.count, 1)
        XCTAssertEqual(job.vertices[0].operatorIDs, [0, 1, 2])
        XCTAssertEqual(job.vertices[0].name, "Source -> Map -> Filter")
        XCTAssertEqual(job.vertices[0].chainedEdges.count, 2)
        XCTAssertTrue(job.edges.isEmpty)
    }

    func testHashEdgeParallelismChangeAndDisabledChainingBreakChains() throws {
        let g = StreamGraphTopology(
            jobName: "j",
            nodes: [
                node(0, "Source", source: true), node(1, "Map"), node(2, "Reduce", keyed: true),
                node(3, "Sink", p: 1), node(4, "Print", chaining: false),
            ],
            edges: [
                StreamEdgeShape(source: 0, target: 1, partitioning: .forward),
                StreamEdgeShape(source: 1, target: 2, partitioning: .hash),
                StreamEdgeShape(source: 2, target: 3, partitioning: .forward),
                StreamEdgeShape(source: 2, target: 4, partitioning: .forward),
            ])
        let job = try JobGraphGenerator.createJobGraph(g)
        XCTAssertEqual(job.vertices.map(\.operatorIDs), [[0, 1], [2], [3], [4]])
        XCTAssertEqual(job.edges.count, 3)
        // The implicit forward edge to a different parallelism became rebalance.
        XCTAssertEqual(job.edges.first { $0.targetVertex == 2 }?.streamEdge.partitioning, .rebalance)
        XCTAssertEqual(job.edges.first { $0.targetVertex == 1 }?.streamEdge.partitioning, .hash)
        XCTAssertEqual(job.taskCount, 2 + 2 + 1 + 2)
    }

    func testNodeWithTwoInputsIsAChainHead() throws {
        let g = StreamGraphTopology(
            jobName: "j", nodes: [node(0, "A", source: true), node(1, "B", source: true), node(2, "Union")],
            edges: [
                StreamEdgeShape(source: 0, target: 2, partitioning: .forward),
                StreamEdgeShape(source: 1, target: 2, partitioning: .forward),
            ])
        let job = try JobGraphGenerator.createJobGraph(g)
        XCTAssertEqual(job.vertices.map(\.operatorIDs), [[0], [1], [2]])
    }

    func testValidationErrorsNameTheProblem() {
        let dup = StreamGraphTopology(
            jobName: "j", nodes: [node(0, "S", source: true, uid: "x"), node(1, "M", uid: "x")],
            edges: [StreamEdgeShape(source: 0, target: 1, partitioning: .forward)])
        XCTAssertThrowsError(try JobGraphGenerator.createJobGraph(dup)) {
            XCTAssertEqual($0 as? JobGraphError, .duplicateUID(uid: "x", operators: ["S", "M"]))
            XCTAssertTrue("\($0)".contains("uid 'x'"))
        }
        let forward = StreamGraphTopology(
            jobName: "j", nodes: [node(0, "S", p: 1, source: true), node(1, "M", p: 3)],
            edges: [StreamEdgeShape(source: 0, target: 1, partitioning: .forward, explicitPartitioning: true)])
        XCTAssertThrowsError(try JobGraphGenerator.createJobGraph(forward)) {
            XCTAssertTrue("\($0)".contains("does not allow a change of parallelism"))
        }
        let keyed = StreamGraphTopology(
            jobName: "j", nodes: [node(0, "S", source: true), node(1, "Counter", keyed: true)],
            edges: [StreamEdgeShape(source: 0, target: 1, partitioning: .rebalance)])
        XCTAssertThrowsError(try JobGraphGenerator.createJobGraph(keyed)) {
            XCTAssertEqual($0 as? JobGraphError, .keyedStateWithoutKeyBy(operator: "Counter"))
        }
        let tooWide = StreamGraphTopology(
            jobName: "j", nodes: [StreamNodeShape(id: 0, name: "S", parallelism: 200, maxParallelism: 128, isSource: true)], edges: [])
        XCTAssertThrowsError(try JobGraphGenerator.createJobGraph(tooWide)) {
            XCTAssertTrue("\($0)".contains("parallelism 200"))
        }
        XCTAssertThrowsError(try JobGraphGenerator.createJobGraph(StreamGraphTopology(jobName: "empty", nodes: [], edges: [])))
    }

    func testJobGraphIsASerializableValueWithStableFingerprint() throws {
        let g = StreamGraphTopology(
            jobName: "j", nodes: [node(0, "Source", source: true), node(1, "Map")],
            edges: [StreamEdgeShape(source: 0, target: 1, partitioning: .rebalance)])
        let job = try JobGraphGenerator.createJobGraph(g)
        let decoded = try JSONDecoder().decode(JobGraph.self, from: try JSONEncoder().encode(job))
        XCTAssertEqual(decoded, job)
        XCTAssertEqual(try JobGraphGenerator.createJobGraph(g).fingerprint, job.fingerprint)
        var changed = g
        changed.nodes[1].parallelism = 3
        XCTAssertNotEqual(try JobGraphGenerator.createJobGraph(changed).fingerprint, job.fingerprint)
    }
}
