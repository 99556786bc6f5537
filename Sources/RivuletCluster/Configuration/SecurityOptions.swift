// Configuration keys of what a client must present and what a request may make the cluster do.

import Foundation
import Rivulet

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

    public static let options = [restToken.erased, allowedDirectories.erased, maxJobs.erased]

    /// The REST token: `RIVULET_REST_TOKEN` when set, else the key; nil when neither is.
    public static func token(_ c: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let fromEnvironment = environment["RIVULET_REST_TOKEN"], !fromEnvironment.isEmpty { return fromEnvironment }
        let configured = c[restToken]
        return configured.isEmpty ? nil : configured
    }
}
