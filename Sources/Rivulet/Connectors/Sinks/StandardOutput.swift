// One lock for the process's standard output, so lines of parallel sinks never interleave.

import Foundation
import Synchronization

/// Writes whole buffers to standard output under a process-wide lock.
public enum StandardOutput {
    static let lock = Mutex(())

    /// Writes `bytes` completely to file descriptor 1.
    public static func write(_ bytes: [UInt8]) throws {
        try lock.withLock { _ in
            try bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = Glibc.write(1, raw.baseAddress.map { $0 + done }, raw.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ConnectorError("cannot write to standard output: \(ConnectorError.errnoText())")
                    }
                    done += n
                }
            }
        }
    }
}
