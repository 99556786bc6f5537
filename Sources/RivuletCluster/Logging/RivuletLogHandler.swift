// The swift-log handler of the cluster processes: levels per logger, text or JSON lines.

import Foundation
import Logging

/// Formats each log event as one line (`LogFormat`) and writes it to a `LogOutput`. The
/// metadata travels on the line: a JobMaster's lines carry `job`, a leader's `session`.
public struct RivuletLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level
    let label: String
    let format: LogFormat
    let output: LogOutput

    public init(label: String, level: Logger.Level, format: LogFormat, output: LogOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Installs the handler for every logger of this process (once per process).
    public static func bootstrap(levels: LogLevels, format: LogFormat, output: LogOutput) {
        LoggingSystem.bootstrap { label in
            RivuletLogHandler(label: label, level: levels.level(for: label), format: format, output: output)
        }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        output.write(Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: all, format: format))
    }

    /// One formatted line.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, format: LogFormat) -> String {
        let stamp = Self.timestamp(time)
        switch format {
        case .text:
            let tags = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "\(stamp) \(level) \(label) :\(tags.isEmpty ? "" : " " + tags) \(message)"
        case .json:
            var fields: [String: String] = ["time": stamp, "level": level.rawValue, "logger": label, "message": message]
            for (key, value) in metadata where fields[key] == nil { fields[key] = "\(value)" }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return (try? encoder.encode(fields)).map { String(decoding: $0, as: UTF8.self) } ?? "{\"message\":\"unencodable log line\"}"
        }
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }
}
