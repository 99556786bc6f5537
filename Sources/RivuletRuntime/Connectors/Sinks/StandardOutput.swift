// One lock for the process's standard output, so lines of parallel sinks never interleave.

import Foundation
import Synchronization

/// Writes whole buffers to standard output under a process-wide lock.
public enum StandardOutput {
    static let lock = Mutex(())

    /// Writes `bytes` completely to file descriptor 1.
    public static func write(_ bytes: [UInt8]) throws {
        try lock.withLock { _ in
            try LineOutput.writeAll(bytes, to: 1, what: "to standard output")
        }
    }
}
