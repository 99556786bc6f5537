// HTTPS for the REST API (security.ssl.rest.*): the server's certificate, and what clients trust.

import Foundation
import NIOSSL
import RivuletRuntime

/// The REST server's certificate and key, and the CA clients verify it with (PEM files).
public struct RestTLS: Sendable, Equatable {
    public let certificatePath: String
    public let keyPath: String
    /// Empty: clients trust the system's CAs.
    public let caPath: String

    /// The server's settings, or nil when `security.ssl.rest.enabled` is off. A missing or
    /// unreadable file is an error naming its key.
    public static func server(_ c: Configuration) throws -> RestTLS? {
        guard c[SecurityOptions.restSSL] else { return nil }
        for option in [SecurityOptions.restCertificate, SecurityOptions.restKey] {
            let path = c[option]
            guard !path.isEmpty else { throw ConfigurationError("security.ssl.rest.enabled is true but \(option.key) is not set") }
            guard FileManager.default.isReadableFile(atPath: path) else { throw ConfigurationError("\(option.key): cannot read '\(path)'") }
        }
        let tls = RestTLS(certificatePath: c[SecurityOptions.restCertificate], keyPath: c[SecurityOptions.restKey], caPath: c[SecurityOptions.restCA])
        _ = try tls.serverConfiguration()
        return tls
    }

    /// What a client speaks: TLS trusting `security.ssl.rest.ca` (or the system's CAs), or nil
    /// for plain HTTP.
    public static func client(_ c: Configuration) throws -> TLSConfiguration? {
        guard c[SecurityOptions.restSSL] else { return nil }
        var client = TLSConfiguration.makeClientConfiguration()
        let ca = c[SecurityOptions.restCA]
        if !ca.isEmpty {
            guard FileManager.default.isReadableFile(atPath: ca) else { throw ConfigurationError("security.ssl.rest.ca: cannot read '\(ca)'") }
            client.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
        }
        return client
    }

    public init(certificatePath: String, keyPath: String, caPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.caPath = caPath
    }

    /// The server side: presents the certificate; clients authenticate with the REST token.
    public func serverConfiguration() throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            return TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        } catch {
            throw ConfigurationError("security.ssl.rest: cannot load the certificate \(certificatePath) or key \(keyPath): \(error)")
        }
    }
}
