// The log files one process keeps in `logging.dir`, listed and read for the REST API.

import Foundation

/// One process's log files (current and rotated) in `logging.dir`: those whose names start
/// with `prefix`. Only a file the listing names is read, so no request reaches outside the
/// directory.
package struct LogFiles: Sendable {
    /// A log file as the REST API lists it.
    package struct File: Codable, Sendable, Equatable {
        package var name: String
        package var size: Int64
        /// Last modified, in milliseconds since the epoch.
        package var mtime: Int64

        package init(name: String, size: Int64, mtime: Int64) {
            self.name = name
            self.size = size
            self.mtime = mtime
        }
    }

    /// The directory; empty when the process logs to standard error only.
    package let directory: String
    package let prefix: String

    package init(directory: String, prefix: String) {
        self.directory = directory
        self.prefix = prefix
    }

    /// Whether the process writes log files at all.
    package var kept: Bool { !directory.isEmpty }

    /// The files, newest first.
    package func list() -> [File] {
        guard kept else { return [] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.contains(".log") }.compactMap { name in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + name) else { return nil }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let modified = (attributes[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0
            return File(name: name, size: size, mtime: modified)
        }.sorted { $0.mtime > $1.mtime }
    }

    /// The last `maxBytes` of the listed file `name`, or nil when no such file is listed.
    package func tail(_ name: String, maxBytes: Int64) throws -> Data? {
        guard let file = list().first(where: { $0.name == name }) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: directory + "/" + file.name) else { return nil }
        defer { try? handle.close() }
        if file.size > maxBytes { try handle.seek(toOffset: UInt64(file.size - maxBytes)) }
        return try handle.readToEnd() ?? Data()
    }
}

/// A TaskManager's answer to a log request: its files, and the content of the one asked for.
package struct LogAnswer: Sendable, Equatable {
    package var files: [LogFiles.File]
    /// The tail of the requested file; nil when none was named or it does not exist.
    package var content: Data?

    package init(files: [LogFiles.File], content: Data?) {
        self.files = files
        self.content = content
    }
}
