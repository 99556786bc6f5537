// A host as users configure it: an IPv4 or IPv6 literal, or a name the system resolver knows.

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A configured host (`jobmanager.rpc.address`, `taskmanager.host`, a bind address, a
/// ZooKeeper server). Names go through the system resolver (`getaddrinfo`), so /etc/hosts and
/// a container network's DNS both work; an IPv6 literal may be written in brackets.
package enum ConfiguredHost: Equatable, Sendable, CustomStringConvertible {
    case ipv4(String)
    case ipv6(String)
    case name(String)

    package init(_ text: String) {
        var host = text.trimmingCharacters(in: .whitespaces)
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if Self.isLiteral(host, family: AF_INET) {
            self = .ipv4(host)
        } else if Self.isLiteral(host, family: AF_INET6) {
            self = .ipv6(host)
        } else {
            self = .name(host)
        }
    }

    package var description: String {
        switch self {
        case .ipv4(let h), .name(let h): return h
        case .ipv6(let h): return "[\(h)]"
        }
    }

    /// The address or name without brackets (what socket calls take).
    package var literal: String {
        switch self {
        case .ipv4(let h), .ipv6(let h), .name(let h): return h
        }
    }

    /// The host with its port, as `host:port` (`[v6]:port` for IPv6).
    package func with(port: Int) -> String { "\(description):\(port)" }

    /// This host as an address literal: itself when it is one, else the first address its
    /// name resolves to (IPv4 before IPv6). A name that does not resolve is an error naming
    /// the configuration key and the name.
    package func resolved(key: String) throws -> ConfiguredHost {
        guard case .name(let name) = self else { return self }
        let addresses = try Self.resolve(name, key: key)
        return addresses.first { if case .ipv4 = $0 { return true } else { return false } } ?? addresses[0]
    }

    /// Every address `name` resolves to; throws naming `key` and the name when there is none.
    package static func resolve(_ name: String, key: String) throws -> [ConfiguredHost] {
        guard !name.isEmpty else { throw ClusterError("\(key) is empty: set it to a host name or an IP address") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = String(cString: gai_strerror(status))
            throw ClusterError("cannot resolve host '\(name)' of \(key): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var result: [ConfiguredHost] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            if let address = entry.pointee.ai_addr, let literal = literal(of: address, family: entry.pointee.ai_family) {
                if !result.contains(literal) { result.append(literal) }
            }
            node = entry.pointee.ai_next
        }
        guard !result.isEmpty else { throw ClusterError("cannot resolve host '\(name)' of \(key): no IPv4 or IPv6 address") }
        return result
    }

    static func isLiteral(_ text: String, family: Int32) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16)
        return inet_pton(family, text, &buffer) == 1
    }

    static func literal(of address: UnsafeMutablePointer<sockaddr>, family: Int32) -> ConfiguredHost? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch family {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                var a = sin.pointee.sin_addr
                guard inet_ntop(AF_INET, &a, &text, socklen_t(text.count)) != nil else { return nil }
                return .ipv4(String(cString: text))
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 in
                var a = sin6.pointee.sin6_addr
                guard inet_ntop(AF_INET6, &a, &text, socklen_t(text.count)) != nil else { return nil }
                return .ipv6(String(cString: text))
            }
        default:
            return nil
        }
    }
}
