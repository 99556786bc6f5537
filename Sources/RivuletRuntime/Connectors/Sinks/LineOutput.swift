// How text sinks turn records into lines and write bytes to a file descriptor.

/// Line formatting and complete writes shared by the text sinks.
public enum LineOutput {
    /// Appends `value` as one line: a String as it is, anything else as `String(describing:)`.
    @inlinable
    public static func append<T>(_ value: T, prefix: [UInt8] = [], to buffer: inout [UInt8]) {
        buffer.append(contentsOf: prefix)
        if let s = value as? String {
            buffer.append(contentsOf: s.utf8)
        } else {
            buffer.append(contentsOf: String(describing: value).utf8)
        }
        buffer.append(UInt8(ascii: "\n"))
    }

    /// Writes all of `bytes` to `fd`, retrying on EINTR; `what` names the target in errors.
    public static func writeAll(_ bytes: [UInt8], to fd: Int32, what: String) throws {
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress.map { $0 + done }, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ConnectorError("cannot write \(what): \(ConnectorError.errnoText())")
                }
                done += n
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
