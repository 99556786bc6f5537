// Scratch directories for tests, and reading what a file sink committed.

import Foundation

/// A new, empty directory under the system's temporary directory; the caller removes it.
public func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "rivulet-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The lines of the part files directly under `directory` (hidden in-progress and pending
/// files are not output yet), file by file in name order.
public func readPartFiles(_ directory: String) throws -> [String] {
    var lines: [String] = []
    for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where name.hasPrefix("part-") {
        let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        lines += text.split(separator: "\n").map(String.init)
    }
    return lines
}
