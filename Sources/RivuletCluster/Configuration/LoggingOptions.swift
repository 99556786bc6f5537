// Configuration keys of the cluster processes' logs: level, per-logger levels, format, files.

import Logging
import RivuletRuntime

/// A log level, as swift-log names them.
public enum LogLevelOption: String, CaseIterable, Sendable {
    case trace, debug, info, notice, warning, error, critical

    public var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

/// How log lines are written.
public enum LogFormat: String, CaseIterable, Sendable {
    /// `time level logger : key=value message`
    case text
    /// One JSON object per line: time, level, logger, message and the metadata (job, session, ...).
    case json
}

/// `logging.*`: where and how the JobManager and TaskManagers log.
public enum LoggingOptions: ConfigOptionGroup {
    public static let title = "Logging"

    public static let level = ConfigOption<LogLevelOption>.choice(
        "logging.level", default: .info, "Lowest level logged, for every logger without its own in logging.levels.")
    public static let levels = ConfigOption<String>.text(
        "logging.levels", default: "",
        "Levels of single loggers, 'name=level,...'; a name also covers the loggers under it (rivulet.jobmanager, rivulet.jobmanager.jobmaster, rivulet.taskmanager)."
    ) { value in
        guard (try? LogLevels.parse(value, default: .info)) == nil else { return nil }
        return "must be 'logger=level' pairs separated by commas, levels: \(LogLevelOption.allCases.map(\.rawValue).joined(separator: ", "))"
    }
    public static let format = ConfigOption<LogFormat>.choice("logging.format", default: .text, "text, or json: one JSON object per line.")
    public static let directory = ConfigOption<String>.text(
        "logging.dir", default: "",
        "Directory of the process's log file (<jobmanager|taskmanager>-<pid>.log); empty: standard error.")
    public static let maxFileSize = ConfigOption<Int>.bytes(
        "logging.file.max-size", default: "64 mb", "A log file this large is rotated: renamed to .1 (older ones move up) and started anew.")
    public static let maxFiles = ConfigOption<Int>.integer(
        "logging.file.max-files", default: 5, in: 1...1000, "Rotated files kept beside the current one (.1 is the newest).")

    public static let options = [level.erased, levels.erased, format.erased, directory.erased, maxFileSize.erased, maxFiles.erased]
}
