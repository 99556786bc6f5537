// The level of each logger: a default and overrides by logger name (Flink's per-logger levels).

import Foundation
import Logging

/// Levels by logger name: the longest configured name that is the logger's label or a dotted
/// prefix of it decides, else the default.
public struct LogLevels: Sendable, Equatable {
    public let defaultLevel: Logger.Level
    public let overrides: [String: Logger.Level]

    public init(defaultLevel: Logger.Level, overrides: [String: Logger.Level] = [:]) {
        self.defaultLevel = defaultLevel
        self.overrides = overrides
    }

    /// Parses `name=level,name=level`; throws naming the bad pair.
    public static func parse(_ text: String, default level: Logger.Level) throws -> LogLevels {
        var overrides: [String: Logger.Level] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let l = LogLevelOption(rawValue: parts[1].lowercased()) else {
                throw ClusterError("'\(pair)' is not logger=level")
            }
            overrides[parts[0]] = l.level
        }
        return LogLevels(defaultLevel: level, overrides: overrides)
    }

    public func level(for label: String) -> Logger.Level {
        var best: (length: Int, level: Logger.Level)?
        for (name, level) in overrides where label == name || label.hasPrefix(name + ".") {
            if name.count > (best?.length ?? -1) { best = (name.count, level) }
        }
        return best?.level ?? defaultLevel
    }
}
