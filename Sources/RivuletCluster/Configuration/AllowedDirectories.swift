// Where a request may make the cluster read or write: the roots of security.allowed-directories.

import Foundation

/// The directories requests may name paths under (`security.allowed-directories`). A path is
/// judged after `.` and `..` are resolved and symbolic links followed (as far as the path
/// exists), so `../` and links cannot leave a root.
public struct AllowedDirectories: Sendable, Equatable {
    /// The roots, resolved; empty: every path is allowed.
    public let roots: [String]

    /// The roots of a configured value, or what is wrong with it.
    public static func parse(_ value: String) -> (roots: [String], problem: String?) {
        let entries = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let relative = entries.first(where: { !$0.hasPrefix("/") }) {
            return ([], "every directory must be an absolute path, got '\(relative)'")
        }
        return (entries.map(resolve), nil)
    }

    public init(_ value: String) {
        roots = Self.parse(value).roots
    }

    /// Whether every path is allowed.
    public var unrestricted: Bool { roots.isEmpty }

    /// The resolved path when `path` lies under a root; throws a `PathNotAllowedError` naming
    /// the path, what it names (`what`) and the roots otherwise.
    @discardableResult
    public func check(_ path: String, what: String) throws -> String {
        guard !unrestricted else { return path }
        guard path.hasPrefix("/") else {
            throw PathNotAllowedError("\(what) '\(path)' is not an absolute path; it must lie under \(roots.joined(separator: ", "))")
        }
        let resolved = Self.resolve(path)
        guard roots.contains(where: { resolved == $0 || resolved.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
            throw PathNotAllowedError(
                "\(what) '\(path)' is outside the allowed directories (\(roots.joined(separator: ", "))); see security.allowed-directories")
        }
        return resolved
    }

    /// `path` with `.` and `..` resolved and the symbolic links of its existing part followed.
    static func resolve(_ path: String) -> String {
        var components: [String] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { _ = components.popLast(); continue }
            components.append(String(part))
        }
        // Follow links of the longest prefix that exists; keep the rest as written.
        var existing = components.count
        while existing > 0 && !FileManager.default.fileExists(atPath: "/" + components[..<existing].joined(separator: "/")) {
            existing -= 1
        }
        let head = "/" + components[..<existing].joined(separator: "/")
        let real = existing > 0 ? (URL(fileURLWithPath: head).resolvingSymlinksInPath().path) : "/"
        let rest = components[existing...]
        if rest.isEmpty { return real }
        return (real == "/" ? "" : real) + "/" + rest.joined(separator: "/")
    }
}

/// A request named a path outside `security.allowed-directories`.
public struct PathNotAllowedError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
