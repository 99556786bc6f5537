// Configuration keys of what a client must present and what a request may make the cluster do.

import Foundation
import RivuletRuntime

/// `security.*`: REST authentication, the directories requests may name, and bounds.
public enum SecurityOptions: ConfigOptionGroup {
    public static let title = "Security"

    public static let restToken = ConfigOption<String>.text(
        "security.rest.authentication.token", default: "",
        "Bearer token every REST request must carry (Authorization: Bearer <token>), /metrics and the Web UI's data included; empty: no authentication. The RIVULET_REST_TOKEN environment variable, when set, takes its place (for servers and the CLI alike)."
    ) { value in
        value.isEmpty || value.count >= 16 ? nil : "must be at least 16 characters (or empty for no authentication)"
    }
    public static let allowedDirectories = ConfigOption<String>.text(
        "security.allowed-directories", default: "",
        "Comma-separated absolute directories under which every path a request names must lie: savepoint targets and the files and directories of job arguments (--input, --output, --data). Empty: any path."
    ) { value in
        AllowedDirectories.parse(value).problem
    }
    public static let maxJobs = ConfigOption<Int>.integer(
        "security.max-running-jobs", default: 64, in: 1...100_000, "Jobs the JobManager runs at once; a submission beyond is refused.")

    public static let internalSSL = ConfigOption<Bool>.boolean(
        "security.ssl.internal.enabled", default: false,
        "Mutual TLS on every connection between the cluster's processes (control plane and data plane): each presents security.ssl.internal.cert and refuses peers whose certificate security.ssl.internal.ca did not sign."
    )
    public static let internalCertificate = ConfigOption<String>.text(
        "security.ssl.internal.cert", default: "", "This process's certificate (chain), a PEM file (bin/certs writes <host>.pem).")
    public static let internalKey = ConfigOption<String>.text(
        "security.ssl.internal.key", default: "", "The private key of security.ssl.internal.cert, a PEM file (bin/certs writes <host>-key.pem).")
    public static let internalCA = ConfigOption<String>.text(
        "security.ssl.internal.ca", default: "",
        "The cluster's CA certificate, a PEM file: the only issuer whose certificates peers may present (bin/certs writes ca.pem).")

    public static let restSSL = ConfigOption<Bool>.boolean(
        "security.ssl.rest.enabled", default: false,
        "HTTPS for the REST API, the Web UI and /metrics (JobManagers, and TaskManagers' metrics port), with security.ssl.rest.cert and .key; clients (the CLI) verify it with security.ssl.rest.ca."
    )
    public static let restCertificate = ConfigOption<String>.text(
        "security.ssl.rest.cert", default: "", "The REST server's certificate (chain), a PEM file.")
    public static let restKey = ConfigOption<String>.text(
        "security.ssl.rest.key", default: "", "The private key of security.ssl.rest.cert, a PEM file.")
    public static let restCA = ConfigOption<String>.text(
        "security.ssl.rest.ca", default: "",
        "For clients: the CA certificate (PEM) the REST server's certificate must be signed by; empty: the system's trusted CAs.")

    public static let options = [
        restToken.erased, allowedDirectories.erased, maxJobs.erased, internalSSL.erased, internalCertificate.erased, internalKey.erased,
        internalCA.erased, restSSL.erased, restCertificate.erased, restKey.erased, restCA.erased,
    ]

    /// The REST token: `RIVULET_REST_TOKEN` when set, else the key; nil when neither is.
    public static func token(_ c: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let fromEnvironment = environment["RIVULET_REST_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        let configured = c[restToken]
        return configured.isEmpty ? nil : configured
    }
}
