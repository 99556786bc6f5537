// Errors of sources and sinks, naming the file, address or value at fault.

/// A source or sink could not do its I/O.
public struct ConnectorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// The text of the current `errno`.
    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}

#if canImport(Glibc)
import Glibc
#endif
