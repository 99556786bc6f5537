// What a job run by the MiniCluster brings beyond a submission.

import RivuletRuntime

/// A job built in this process and run on the in-process cluster: its checkpoint storage
/// (shared by the JobMaster and the TaskExecutor, so an injected write fault counts every
/// write of the job), the savepoint to write when it finishes, and where notices of restarts
/// and failed checkpoints go.
package struct LocalExecution: Sendable {
    package var storage: FileSystemCheckpointStorage?
    package var savepointOnFinish: String?
    package var notices: @Sendable (String) -> Void

    package init(
        storage: FileSystemCheckpointStorage?, savepointOnFinish: String?, notices: @escaping @Sendable (String) -> Void
    ) {
        self.storage = storage
        self.savepointOnFinish = savepointOnFinish
        self.notices = notices
    }
}
