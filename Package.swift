// swift-tools-version: 6.0
// Rivulet: a distributed, stateful stream processor on Apache Flink's architecture.
import PackageDescription

let package = Package(
    name: "Rivulet",
    platforms: [.macOS(.v15)],
    products: [
        // The engine, the cluster and the command line: a user's jobs binary depends on this.
        .library(name: "Rivulet", targets: ["Rivulet", "RivuletRuntime", "RivuletCluster", "RivuletCLI", "RivuletSQL"]),
        .executable(name: "rivulet", targets: ["rivulet"]),
        .executable(name: "rivulet-bench", targets: ["RivuletBench"]),
        // What the tests share: a manual clock, scratch directories, gateway doubles.
        .library(name: "RivuletTesting", targets: ["RivuletTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.28.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.0.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure logic, no I/O and no threads: key groups, serialization, window maths,
        // watermarks, timers and the StreamGraph -> JobGraph translation.
        .target(
            name: "RivuletCore",
            dependencies: [
                "CRivuletSupport",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Processor hints Swift cannot spell (cache prefetch), as static inline C functions.
        .target(name: "CRivuletSupport"),
        // What a user's job imports: RivuletRuntime's DataStream API and RivuletCluster's
        // MiniCluster (`env.execute()`), re-exported as one module.
        .target(name: "Rivulet", dependencies: ["RivuletRuntime", "RivuletCluster"]),
        // The engine: DataStream API, operators, state, tasks and their in-memory channels.
        // API and runtime share one module so user closures specialise through the hot path.
        .target(
            name: "RivuletRuntime",
            dependencies: [
                "RivuletCore",
                "RivuletRocksDB",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // RocksDB's C API from the system library (Debian's librocksdb-dev, installed by bin/setup).
        .systemLibrary(name: "CRocksDB", path: "Sources/CRocksDB", providers: [.apt(["librocksdb-dev"])]),
        // A Swift client of RocksDB: column families, batches, iterators, range deletes, native checkpoints.
        .target(name: "RivuletRocksDB", dependencies: ["CRocksDB"]),
        // ZooKeeper's multi-threaded C client (Debian's libzookeeper-mt-dev, installed by bin/setup).
        .systemLibrary(name: "CZooKeeper", path: "Sources/CZooKeeper", providers: [.apt(["libzookeeper-mt-dev"])]),
        // An async Swift client of ZooKeeper: sessions, connection events, watches, retries, transactions.
        .target(name: "RivuletZooKeeper", dependencies: ["CZooKeeper"]),
        // The control plane's messages and gateways, generated from Protos/ by bin/gen-proto.
        .target(
            name: "RivuletRPC",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The data plane: records between TaskManagers over TCP with credit-based flow control.
        .target(
            name: "RivuletNetwork",
            dependencies: [
                "RivuletRuntime", "RivuletCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The cluster: JobManager (Dispatcher, ResourceManager, JobMasters, REST) and TaskManager
        // (TaskExecutor) processes, and the MiniCluster that runs the same components in one process.
        .target(
            name: "RivuletCluster",
            dependencies: [
                "RivuletRuntime", "RivuletCore", "RivuletRPC", "RivuletNetwork", "RivuletZooKeeper",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // The Web UI: static HTML, CSS and JavaScript served by the JobManager at `/`.
            resources: [.copy("WebUI")]
        ),
        // The `rivulet` command line: local, run, list, cancel, stop, savepoint, info, jobmanager, taskmanager.
        .target(
            name: "RivuletCLI",
            dependencies: [
                "Rivulet", "RivuletCluster", "RivuletSQL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The SQL layer: Flink SQL scripts parsed into statements and expressions (the planner
        // onto the runtime comes next).
        .target(name: "RivuletSQL", dependencies: ["RivuletRuntime", "RivuletCore"]),
        // Example jobs shipped in the `rivulet` binary.
        .target(name: "RivuletExamples", dependencies: ["Rivulet"]),
        // The Nexmark benchmark: its event model and generator, its CSV files, and the queries as jobs.
        .target(name: "RivuletNexmark", dependencies: ["Rivulet", "RivuletCore", "RivuletSQL"]),
        .executableTarget(name: "rivulet", dependencies: ["RivuletCLI", "RivuletExamples", "RivuletNexmark"]),
        .executableTarget(name: "RivuletBench", dependencies: ["Rivulet", "RivuletExamples", "RivuletNexmark", "RivuletSQL"]),
        // The tests' shared fixtures: a manual clock, scratch directories, and doubles of the
        // JobManager's and the TaskExecutor's gateways for running components in-process.
        .target(name: "RivuletTesting", dependencies: ["RivuletCore", "RivuletRuntime", "RivuletCluster"]),
        .testTarget(name: "RivuletCoreTests", dependencies: ["RivuletCore"]),
        .testTarget(name: "RivuletTests", dependencies: ["Rivulet", "RivuletExamples", "RivuletTesting"]),
        .testTarget(name: "RivuletRocksDBTests", dependencies: ["RivuletRocksDB"]),
        .testTarget(name: "RivuletSQLTests", dependencies: ["RivuletSQL", "Rivulet", "RivuletRuntime", "RivuletNexmark", "RivuletTesting"]),
        .testTarget(name: "RivuletNexmarkTests", dependencies: ["Rivulet", "RivuletCore", "RivuletNexmark", "RivuletTesting"]),
        // Compiles every Swift example of docs/ (Generated/) and fails when the docs and Generated/ drift.
        .testTarget(name: "RivuletDocsTests", dependencies: ["Rivulet", "RivuletCore", "RivuletCLI", "RivuletExamples"]),
        // The cluster's components in one process: against gateway doubles, HA services against one contract.
        .testTarget(
            name: "RivuletClusterTests",
            dependencies: [
                "RivuletRuntime", "RivuletCluster", "RivuletExamples", "RivuletTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "RivuletNetworkTests", dependencies: ["RivuletNetwork", "RivuletRuntime"]),
        .testTarget(name: "RivuletZooKeeperTests", dependencies: ["RivuletZooKeeper", "RivuletTesting"]),
        // Real processes: clusters started by the bin scripts, ZooKeeper servers, network
        // namespaces, a browser, and the chaos runs.
        .testTarget(
            name: "RivuletSystemTests",
            dependencies: [
                "RivuletRuntime", "RivuletCluster", "RivuletNetwork", "RivuletCLI", "RivuletExamples", "RivuletTesting",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
