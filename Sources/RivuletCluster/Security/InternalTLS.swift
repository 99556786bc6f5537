// Mutual TLS between the cluster's processes (security.ssl.internal.*): the control plane's
// gRPC and the data plane's connections.

import Foundation
import GRPCNIOTransportHTTP2Posix
import NIOSSL
import RivuletRuntime
import RivuletNetwork

/// This process's certificate and key and the cluster's CA, as PEM files. Every process
/// presents its certificate and refuses a peer whose certificate the CA did not sign (or
/// that has expired); peers are known by their certificate, not their host name, so
/// host names are not checked.
public struct InternalTLS: Sendable, Equatable {
    public let certificatePath: String
    public let keyPath: String
    public let caPath: String

    /// The settings of `security.ssl.internal.*`, or nil when it is off. A missing or
    /// unreadable file is an error naming its key.
    public static func from(_ c: Configuration) throws -> InternalTLS? {
        guard c[SecurityOptions.internalSSL] else { return nil }
        let files = [SecurityOptions.internalCertificate, SecurityOptions.internalKey, SecurityOptions.internalCA].map { option in
            (option.key, c[option])
        }
        for (key, path) in files {
            guard !path.isEmpty else {
                throw ConfigurationError("security.ssl.internal.enabled is true but \(key) is not set; bin/certs makes the files")
            }
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw ConfigurationError("\(key): cannot read '\(path)'")
            }
        }
        let tls = InternalTLS(certificatePath: files[0].1, keyPath: files[1].1, caPath: files[2].1)
        _ = try tls.dataPlane()  // the files parse: a bad PEM stops the process here, naming the files
        return tls
    }

    public init(certificatePath: String, keyPath: String, caPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.caPath = caPath
    }

    /// gRPC servers: present the certificate, require and verify the client's.
    var serverSecurity: HTTP2ServerTransport.Posix.TransportSecurity {
        .mTLS(certificateChain: [.file(path: certificatePath, format: .pem)], privateKey: .file(path: keyPath, format: .pem)) { config in
            config.trustRoots = .certificates([.file(path: caPath, format: .pem)])
            config.clientCertificateVerification = .noHostnameVerification
        }
    }

    /// gRPC clients: present the certificate, verify the server's.
    var clientSecurity: HTTP2ClientTransport.Posix.TransportSecurity {
        .mTLS(certificateChain: [.file(path: certificatePath, format: .pem)], privateKey: .file(path: keyPath, format: .pem)) { config in
            config.trustRoots = .certificates([.file(path: caPath, format: .pem)])
            config.serverCertificateVerification = .noHostnameVerification
        }
    }

    /// The data plane's contexts; refused connections go to `onRefused`.
    package func dataPlane(onRefused: @escaping @Sendable (String) -> Void = { _ in }) throws -> DataPlaneTLS {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            let roots = NIOSSLTrustRoots.certificates(try NIOSSLCertificate.fromPEMFile(caPath))
            var server = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
            server.trustRoots = roots
            server.certificateVerification = .noHostnameVerification
            var client = TLSConfiguration.makeClientConfiguration()
            client.certificateChain = chain
            client.privateKey = key
            client.trustRoots = roots
            client.certificateVerification = .noHostnameVerification
            return DataPlaneTLS(
                server: try NIOSSLContext(configuration: server), client: try NIOSSLContext(configuration: client), onRefused: onRefused)
        } catch {
            throw ConfigurationError(
                "security.ssl.internal: cannot load the certificate \(certificatePath), key \(keyPath) or CA \(caPath): \(error)")
        }
    }
}
