// Prints each record as a line on standard output (Flink's print()).

/// Prints `String(describing:)` of each record, one per line; with `prefix`, as `prefix> line`.
public struct PrintSink<T: Sendable>: Sink {
    public let prefix: String?

    public init(prefix: String? = nil) {
        self.prefix = prefix
    }

    public func createWriter(subtaskIndex: Int, parallelism: Int) throws -> Writer {
        Writer(prefix: prefix.map { Array("\($0)> ".utf8) } ?? [])
    }

    /// Buffers lines and writes them in blocks.
    public struct Writer: SinkWriter {
        let prefix: [UInt8]
        var buffer: [UInt8] = []

        public mutating func write(_ value: T, timestamp: Int64) throws {
            LineOutput.append(value, prefix: prefix, to: &buffer)
            if buffer.count >= 1 << 16 { try flush() }
        }

        public mutating func flush() throws {
            guard !buffer.isEmpty else { return }
            try StandardOutput.write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
