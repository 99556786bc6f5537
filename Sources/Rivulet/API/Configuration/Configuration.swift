// Flink-style flat configuration keys with defaults, validation and clear errors.

/// A configuration key the engine knows, with its default and a validator.
public struct ConfigOption: Sendable {
    public let key: String
    public let defaultValue: String
    public let description: String
    /// Returns an error message for a bad value, nil when the value is fine.
    let validate: @Sendable (String) -> String?
    /// The canonical spelling of a valid value (lower case for a choice).
    let normalize: @Sendable (String) -> String

    init(_ key: String, _ defaultValue: String, _ description: String,
         normalize: @escaping @Sendable (String) -> String = { $0 }, validate: @escaping @Sendable (String) -> String?) {
        self.key = key
        self.defaultValue = defaultValue
        self.description = description
        self.normalize = normalize
        self.validate = validate
    }

    static func positiveInt(_ key: String, _ def: String, _ desc: String, max: Int = Int.max) -> ConfigOption {
        ConfigOption(key, def, desc) { v in
            guard let n = Int(v), n >= 1, n <= max else { return "must be a whole number from 1 to \(max)" }
            return nil
        }
    }

    static func count(_ key: String, _ def: String, _ desc: String) -> ConfigOption {
        ConfigOption(key, def, desc) { v in
            guard let n = Int(v), n >= 0 else { return "must be a whole number, 0 or more" }
            return nil
        }
    }

    static func oneOf(_ key: String, _ def: String, _ allowed: [String], _ desc: String) -> ConfigOption {
        ConfigOption(key, def, desc, normalize: { $0.lowercased() }) { v in
            allowed.contains(v.lowercased()) ? nil : "must be one of \(allowed.filter { !$0.isEmpty }.joined(separator: ", "))"
        }
    }

    static func durationOrOff(_ key: String, _ def: String, _ desc: String) -> ConfigOption {
        duration(key, def, desc)
    }

    static func port(_ key: String, _ def: String, _ desc: String) -> ConfigOption {
        ConfigOption(key, def, desc) { v in
            guard let n = Int(v), (0...65535).contains(n) else { return "must be a port number from 0 to 65535" }
            return nil
        }
    }

    static func bytes(_ key: String, _ def: String, _ desc: String) -> ConfigOption {
        ConfigOption(key, def, desc) { v in
            Configuration.parseBytes(v) == nil ? "must be a size such as 64 mb, 512 kb or 1 gb" : nil
        }
    }

    static func duration(_ key: String, _ def: String, _ desc: String) -> ConfigOption {
        ConfigOption(key, def, desc) { v in
            Configuration.parseDurationMillis(v) == nil ? "must be a duration such as 200 ms, 5 s or 1 min" : nil
        }
    }
}

/// A bad configuration key or value, named in the message.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The job's configuration: defaults overridden by `-D key=value`.
public struct Configuration: Sendable {
    /// Every key the engine knows.
    public static let options: [ConfigOption] = [
        .positiveInt("parallelism.default", "1", "Parallelism of operators that do not set their own.", max: 32768),
        .positiveInt("pipeline.max-parallelism", "128", "Number of key groups: the upper bound for rescaling keyed state.", max: 32768),
        .duration("pipeline.auto-watermark-interval", "200 ms", "How often periodic watermark generators emit."),
        .duration("execution.buffer-timeout", "100 ms", "Longest time a record waits in a partly filled batch while the task is busy."),
        .positiveInt("taskmanager.network.credits-per-channel", "8", "Batches a channel buffers before its producer is backpressured.", max: 1 << 20),
        .positiveInt("taskmanager.network.batch-size", "1024", "Records per batch between tasks.", max: 1 << 20),
        // Checkpointing
        .durationOrOff("execution.checkpointing.interval", "0", "Time between checkpoints; 0 turns checkpointing off."),
        .oneOf("execution.checkpointing.mode", "exactly-once", ["exactly-once", "at-least-once"], "Align barriers (exactly-once) or not (at-least-once)."),
        .duration("execution.checkpointing.timeout", "10 min", "A checkpoint not complete after this long is aborted."),
        .positiveInt("execution.checkpointing.max-concurrent-checkpoints", "1", "Checkpoints in flight at once.", max: 64),
        .durationOrOff("execution.checkpointing.min-pause", "0", "Least time between the end of one checkpoint and the start of the next."),
        .count("execution.checkpointing.tolerable-failed-checkpoints", "0", "Consecutive failed checkpoints the job tolerates before it fails."),
        ConfigOption("state.checkpoints.dir", "", "Directory (a shared filesystem path) for checkpoints; required when checkpointing.") { _ in nil },
        .positiveInt("state.checkpoints.num-retained", "3", "Completed checkpoints kept.", max: 1000),
        // State backends
        .oneOf("state.backend.type", "heap", ["heap", "hashmap", "rocksdb"], "Keyed state backend: heap (hash maps) or rocksdb."),
        .oneOf("state.backend.incremental", "false", ["true", "false"], "RocksDB: upload only new SST files at each checkpoint."),
        ConfigOption("state.backend.rocksdb.localdir", "", "RocksDB working directory (default: a directory under the system temp dir).") { _ in nil },
        .bytes("state.backend.rocksdb.block-cache-size", "64 mb", "RocksDB block cache per operator subtask."),
        .bytes("state.backend.rocksdb.write-buffer-size", "32 mb", "RocksDB memtable size per column family."),
        .count("state.backend.rocksdb.write-cache-entries", "262144", "Entries of a keyed reduce or window state cached in memory before they are written to RocksDB (0: none); timers kept in memory per timer queue (at least 128)."),
        .oneOf("state.backend.rocksdb.use-bloom-filter", "true", ["true", "false"], "RocksDB bloom filters in SST files and memtables: a lookup of an absent key skips the files that cannot hold it."),
        .positiveInt("state.backend.rocksdb.bloom-filter.bits-per-key", "10", "Bits per key of the RocksDB bloom filters (about 1% false positives at 10).", max: 64),
        // Restarts
        .oneOf("restart-strategy.type", "", ["", "none", "fixed-delay", "exponential-delay"], "none, fixed-delay or exponential-delay (the default when checkpointing)."),
        .count("restart-strategy.fixed-delay.attempts", "3", "Restarts before the job fails (fixed-delay)."),
        .durationOrOff("restart-strategy.fixed-delay.delay", "1 s", "Wait before each restart (fixed-delay)."),
        .durationOrOff("restart-strategy.exponential-delay.initial-backoff", "1 s", "First wait (exponential-delay)."),
        .duration("restart-strategy.exponential-delay.max-backoff", "1 min", "Longest wait (exponential-delay)."),
        ConfigOption("restart-strategy.exponential-delay.backoff-multiplier", "2.0", "Factor between waits (exponential-delay).") { v in
            guard let d = Double(v), d >= 1 else { return "must be a number of at least 1.0" }
            return nil
        },
        .count("restart-strategy.exponential-delay.attempts-before-reset-backoff", "2147483647", "Restarts before the job fails (exponential-delay)."),
        // Cluster: JobManager, TaskManagers, REST, heartbeats
        ConfigOption("jobmanager.rpc.address", "127.0.0.1", "Host TaskManagers and clients reach the JobManager's RPC at.") { $0.isEmpty ? "must not be empty" : nil },
        .port("jobmanager.rpc.port", "6123", "Port of the JobManager's RPC (ResourceManager and JobMaster gateways)."),
        ConfigOption("jobmanager.bind-host", "127.0.0.1", "Interface the JobManager's RPC server binds to.") { $0.isEmpty ? "must not be empty" : nil },
        ConfigOption("rest.address", "127.0.0.1", "Host clients reach the REST API at.") { $0.isEmpty ? "must not be empty" : nil },
        .port("rest.port", "8081", "Port of the REST API."),
        ConfigOption("rest.bind-address", "127.0.0.1", "Interface the REST server binds to.") { $0.isEmpty ? "must not be empty" : nil },
        .bytes("rest.server.max-content-length", "1 mb", "Largest request body the REST API accepts."),
        ConfigOption("taskmanager.host", "127.0.0.1", "Host other processes reach this TaskManager at.") { $0.isEmpty ? "must not be empty" : nil },
        ConfigOption("taskmanager.bind-host", "127.0.0.1", "Interface the TaskManager's servers bind to.") { $0.isEmpty ? "must not be empty" : nil },
        .port("taskmanager.rpc.port", "0", "Port of the TaskManager's RPC (0: any free port)."),
        .port("taskmanager.data.port", "0", "Port of the TaskManager's data connections (0: any free port)."),
        .positiveInt("taskmanager.numberOfTaskSlots", "1", "Slots of a TaskManager; a slot runs one subtask of every vertex.", max: 1024),
        ConfigOption("taskmanager.resource-id", "", "Stable id of the TaskManager (default: host:port and a random suffix).") { _ in nil },
        .bytes("taskmanager.network.buffer-size", "32 kb", "Size of the buffers records travel in between TaskManagers."),
        .duration("heartbeat.interval", "10 s", "Time between heartbeats of TaskManagers to the ResourceManager and JobMasters."),
        .duration("heartbeat.timeout", "50 s", "Silence after which a TaskManager (or, for a TaskManager, the JobManager) counts as lost."),
        .duration("slot.request.timeout", "5 min", "How long a job waits for enough free slots before it fails."),
        .duration("cluster.registration.initial-timeout", "100 ms", "First wait before a TaskManager retries registering."),
        .duration("cluster.registration.max-timeout", "30 s", "Longest wait between a TaskManager's registration attempts."),
        .duration("rpc.timeout", "10 s", "Deadline of every control-plane call."),
        // High availability
        .oneOf("high-availability.type", "none", ["none", "zookeeper"],
               "none: a standalone JobManager at jobmanager.rpc.address; zookeeper: JobManagers elect a leader through ZooKeeper and keep job metadata there."),
        ConfigOption("high-availability.zookeeper.quorum", "127.0.0.1:2181", "ZooKeeper servers, host:port[,host:port...].") { v in
            let servers = v.split(separator: ",")
            guard !servers.isEmpty else { return "must list at least one host:port" }
            for server in servers {
                let parts = server.split(separator: ":")
                guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
                    return "'\(server)' is not host:port"
                }
            }
            return nil
        },
        ConfigOption("high-availability.zookeeper.path.root", "/rivulet", "Root znode of every Rivulet cluster.") { v in
            v.hasPrefix("/") && !v.hasSuffix("/") || v == "/" ? nil : "must be an absolute znode path such as /rivulet"
        },
        ConfigOption("high-availability.cluster-id", "default", "Names this cluster's znodes under the root (clusters sharing ZooKeeper need different ids).") { v in
            v.isEmpty || v.contains("/") ? "must be a non-empty name without '/'" : nil
        },
        ConfigOption("high-availability.storageDir", "", "Shared directory for job graphs (ZooKeeper holds only pointers); required with high-availability.type: zookeeper.") { _ in nil },
        .duration("high-availability.zookeeper.client.session-timeout", "10 s", "ZooKeeper session timeout: how long a dead JobManager keeps leadership."),
        .duration("high-availability.zookeeper.client.connection-timeout", "15 s", "How long a process waits for its first ZooKeeper session."),
        .durationOrOff("high-availability.zookeeper.client.suspended-grace-period", "3 s", "How long a leader whose ZooKeeper connection broke keeps leading while the client reconnects (must stay under a third of the session timeout)."),
    ]

    public private(set) var values: [String: String]

    /// Defaults plus `overrides`; unknown keys and bad values throw, naming the key.
    public init(_ overrides: [String: String] = [:]) throws {
        var values: [String: String] = [:]
        for option in Self.options { values[option.key] = option.defaultValue }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let option = Self.options.first(where: { $0.key == key }) else {
                throw ConfigurationError("unknown configuration key '\(key)'")
            }
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if let problem = option.validate(trimmed) {
                throw ConfigurationError("bad value '\(value)' for configuration key '\(key)': \(problem)")
            }
            values[key] = option.normalize(trimmed)
        }
        self.values = values
    }

    /// The value of a known key.
    public func string(_ key: String) -> String { values[key] ?? "" }

    /// An integer key (validated at construction).
    public func int(_ key: String) -> Int { Int(string(key)) ?? 0 }

    /// A duration key in milliseconds (validated at construction).
    public func millis(_ key: String) -> Int64 { Self.parseDurationMillis(string(key)) ?? 0 }

    /// A size key in bytes (validated at construction).
    public func bytes(_ key: String) -> Int { Self.parseBytes(string(key)) ?? 0 }

    /// True when `key` is `true`.
    public func bool(_ key: String) -> Bool { string(key).lowercased() == "true" }

    /// True when the job takes periodic checkpoints.
    public var checkpointingEnabled: Bool { millis("execution.checkpointing.interval") > 0 }

    /// Parses `64 mb`, `512kb`, `1 gb` or a bare number of bytes.
    public static func parseBytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits) else { return nil }
        switch t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "", "b", "bytes": return n
        case "k", "kb", "kib": return n << 10
        case "m", "mb", "mib": return n << 20
        case "g", "gb", "gib": return n << 30
        default: return nil
        }
    }

    /// Parses `200 ms`, `200ms`, `5 s`, `5s`, `1 min`, `2 h` or a bare number of milliseconds.
    public static func parseDurationMillis(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix { $0.isNumber }
        guard !digits.isEmpty, let n = Int64(digits) else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        switch unit {
        case "", "ms", "milli", "millis", "milliseconds": return n
        case "s", "sec", "secs", "second", "seconds": return n * 1000
        case "min", "mins", "minute", "minutes": return n * 60_000
        case "h", "hour", "hours": return n * 3_600_000
        default: return nil
        }
    }
}

import Foundation
