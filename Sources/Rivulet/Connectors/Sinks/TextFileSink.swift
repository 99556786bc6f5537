// Writes each record as a line into part files under a directory, one per subtask.

import Foundation

/// Writes `String(describing:)` of each record as a line to `<directory>/part-<subtask>`.
public struct TextFileSink<T: Sendable>: Sink {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        Writer(path: "\(directory)/part-\(subtaskIndex)", directory: directory)
    }

    /// Writes one part file.
    public struct Writer: SinkWriter {
        let path: String
        let directory: String
        var fd: Int32 = -1
        var buffer: [UInt8] = []

        public mutating func open(_ context: OperatorContext) throws {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw ConnectorError("cannot create output directory '\(directory)': \(error.localizedDescription)")
            }
            fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw ConnectorError("cannot write output file '\(path)': \(ConnectorError.errnoText())") }
        }

        public mutating func write(_ value: T, timestamp: Int64) throws {
            LineOutput.append(value, to: &buffer)
            if buffer.count >= 1 << 18 { try flush() }
        }

        public mutating func flush() throws {
            guard !buffer.isEmpty, fd >= 0 else { return }
            try LineOutput.writeAll(buffer, to: fd, what: "output file '\(path)'")
            buffer.removeAll(keepingCapacity: true)
        }

        public mutating func close() throws {
            try flush()
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }
}
