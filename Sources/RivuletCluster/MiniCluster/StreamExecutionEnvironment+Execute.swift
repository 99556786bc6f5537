// `env.execute()`: a job built with the DataStream API runs on a MiniCluster.

import RivuletCore
import RivuletRuntime

extension StreamExecutionEnvironment {
    /// Translates the job and runs it in this process until it finishes (bounded inputs) or
    /// fails or is cancelled; throws the first failure, naming the operator. Blocks the
    /// calling thread: from async code, use `executeAsync`.
    @discardableResult
    @available(*, noasync, message: "use executeAsync: this blocks a thread of the cooperative pool that the cluster needs")
    public func execute(
        _ jobName: String = "Rivulet Job", on cluster: MiniCluster = MiniCluster(),
        options: ExecutionOptions = ExecutionOptions()
    ) throws -> JobExecutionResult {
        let graph = try streamGraph(jobName: jobName).normalized()
        let jobGraph = try JobGraphGenerator.createJobGraph(graph.topology)
        return try cluster.execute(graph, jobGraph: jobGraph, options: options)
    }

    /// `execute` without blocking a thread, for async code.
    @discardableResult
    public func executeAsync(
        _ jobName: String = "Rivulet Job", on cluster: MiniCluster = MiniCluster(),
        options: ExecutionOptions = ExecutionOptions()
    ) async throws -> JobExecutionResult {
        let graph = try streamGraph(jobName: jobName).normalized()
        let jobGraph = try JobGraphGenerator.createJobGraph(graph.topology)
        return try await cluster.run(graph, jobGraph: jobGraph, options: options)
    }
}
