// Where log lines go: standard error, or a file rotated by size.

import Foundation
import Synchronization

/// Writes whole lines, one at a time, to standard error or to a file that is rotated when it
/// reaches `maxSize` bytes (`file` -> `file.1` -> ... -> `file.<maxFiles>`, the oldest dropped).
public final class LogOutput: Sendable {
    struct State {
        var fd: Int32
        var size: Int
    }
    let path: String?
    let maxSize: Int
    let maxFiles: Int
    let state: Mutex<State>

    /// Standard error.
    public static let standardError = LogOutput(fd: 2)

    private init(fd: Int32) {
        path = nil
        maxSize = Int.max
        maxFiles = 0
        state = Mutex(State(fd: fd, size: 0))
    }

    /// Appends to `path` (created with its directory when missing).
    public init(path: String, maxSize: Int, maxFiles: Int) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ClusterError("cannot open the log file '\(path)': \(String(cString: strerror(errno)))") }
        var st = stat()
        fstat(fd, &st)
        self.path = path
        self.maxSize = max(maxSize, 1024)
        self.maxFiles = maxFiles
        state = Mutex(State(fd: fd, size: Int(st.st_size)))
    }

    /// Writes `line` and a newline; rotates first when the file would pass its size.
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        state.withLock { s in
            if let path, s.size > 0, s.size + bytes.count > maxSize { rotate(path, &s) }
            let fd = s.fd
            let written = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, base + offset, raw.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    offset += n
                }
                return offset
            }
            s.size += written
        }
    }

    /// Renames the files up by one and starts a new one; if it cannot be opened, lines go to
    /// standard error (never closed here) until the next rotation succeeds.
    private func rotate(_ path: String, _ s: inout State) {
        if s.fd != 2 { close(s.fd) }
        unlink("\(path).\(maxFiles)")
        if maxFiles > 1 {
            for i in stride(from: maxFiles - 1, through: 1, by: -1) { rename("\(path).\(i)", "\(path).\(i + 1)") }
        }
        rename(path, "\(path).1")
        s.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if s.fd < 0 { s.fd = 2 }
        s.size = 0
    }
}
