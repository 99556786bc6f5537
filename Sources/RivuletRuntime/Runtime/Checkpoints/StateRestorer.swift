// Reads a checkpoint or savepoint and hands every new subtask its share of the state.

import RivuletCore

/// Loads the state files of a snapshot and redistributes them to the job's current
/// parallelism: keyed state by key-group range, operator list state split or unioned.
@usableFromInline package enum StateRestorer {
    /// State per subtask and operator uid. `origin` names the snapshot in errors; `strict`
    /// (savepoints) refuses state for an operator uid the job does not have.
    @usableFromInline package static func load(
        _ metadata: CheckpointMetadata, origin: String, strict: Bool,
        graph: StreamGraph, jobGraph: JobGraph,
        readFile: (StateFileHandle) throws -> [UInt8]
    ) throws -> [ExecutionID: [String: OperatorSnapshot]] {
        var byUID: [String: OperatorStateMetadata] = [:]
        for op in metadata.operators { byUID[op.uid] = op }
        var known: Set<String> = []
        var result: [ExecutionID: [String: OperatorSnapshot]] = [:]
        for vertex in jobGraph.vertices {
            for nodeID in vertex.operatorIDs {
                guard let node = graph.node(nodeID) else { continue }
                let uid = JobGraphGenerator.uid(of: node.shape)
                known.insert(uid)
                guard let op = byUID[uid], op.subtasks.contains(where: { $0.stateFile != nil }) else { continue }
                let maxParallelism = node.shape.maxParallelism
                guard op.maxParallelism == maxParallelism else {
                    throw SnapshotMismatchError(
                        "\(origin): operator '\(uid)' was snapshotted with max parallelism \(op.maxParallelism) but the job uses \(maxParallelism); max parallelism cannot change across a restore"
                    )
                }
                var old: [OperatorSnapshot] = []
                for subtask in op.subtasks {
                    guard let file = subtask.stateFile else { continue }
                    do {
                        var snapshot = try OperatorSnapshot(fileBytes: try readFile(file))
                        if let incremental = snapshot.incremental {
                            snapshot.keyed = try IncrementalStateReader.canonical(
                                incremental, scratchDirectory: RocksDBBackendSettings(graph.configuration).localDirectory, readFile: readFile)
                            snapshot.incremental = nil
                        }
                        old.append(snapshot)
                    } catch let error as CheckpointStorageError {
                        throw error
                    } catch {
                        throw CheckpointFailure("\(origin): state file '\(file.path)' of operator '\(uid)' cannot be read: \(error)")
                    }
                }
                for i in 0..<vertex.parallelism {
                    let range = KeyGroupRangeAssignment.range(maxParallelism: maxParallelism, parallelism: vertex.parallelism, operatorIndex: i)
                    do {
                        result[ExecutionID(vertex: vertex.id, subtask: i), default: [:]][uid] =
                            try OperatorSnapshot.redistribute(old, to: i, of: vertex.parallelism, range: range, maxParallelism: maxParallelism)
                    } catch {
                        throw CheckpointFailure("\(origin): state of operator '\(uid)' cannot be restored: \(error)")
                    }
                }
            }
        }
        if strict {
            for op in metadata.operators where !known.contains(op.uid) && op.subtasks.contains(where: { $0.stateFile != nil }) {
                throw SnapshotMismatchError(
                    "\(origin) holds state for operator uid '\(op.uid)' (\(op.name)), which this job does not have; give the operator that uid or start without the savepoint"
                )
            }
        }
        return result
    }
}

/// A snapshot that does not fit the job (an operator it does not have, another max
/// parallelism), or a savepoint to start from that cannot be read: every restart would meet
/// it again, so the job fails at once.
@usableFromInline package struct SnapshotMismatchError: UnrecoverableError, CustomStringConvertible, Sendable {
    @usableFromInline package let description: String
    @usableFromInline package init(_ description: String) { self.description = description }
}
