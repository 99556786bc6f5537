// The files of a directory that file sources read.

import Foundation

/// Lists a directory as Flink's file sources do: names starting with `.` or `_` are hidden
/// (files being written, markers), the rest come in name order.
public enum DirectoryFiles {
    /// The names in `directory` that are not hidden, in name order.
    public static func visibleNames(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted()
    }

    /// Whether `path` is a file (it exists and is not a directory).
    public static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}
