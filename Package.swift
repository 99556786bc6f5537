// swift-tools-version: 6.0
// Rivulet: a distributed, stateful stream processor on Apache Flink's architecture.
import PackageDescription

let package = Package(
    name: "Rivulet",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Rivulet", targets: ["Rivulet"]),
        .executable(name: "rivulet", targets: ["rivulet"]),
        .executable(name: "rivulet-bench", targets: ["RivuletBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // Pure logic, no I/O and no threads: key groups, serialization, window maths,
        // watermarks, timers and the StreamGraph -> JobGraph translation.
        .target(
            name: "RivuletCore",
            dependencies: [
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // The engine: DataStream API, operators, state, tasks, local network, MiniCluster, CLI.
        // API and runtime share one module so user closures specialise through the hot path.
        .target(
            name: "Rivulet",
            dependencies: [
                "RivuletCore",
                "RivuletRocksDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // RocksDB's C API from the system library (Debian's librocksdb-dev, installed by bin/setup).
        .systemLibrary(name: "CRocksDB", path: "Sources/CRocksDB", providers: [.apt(["librocksdb-dev"])]),
        // A Swift client of RocksDB: column families, batches, iterators, range deletes, native checkpoints.
        .target(name: "RivuletRocksDB", dependencies: ["CRocksDB"]),
        // Example jobs shipped in the `rivulet` binary.
        .target(name: "RivuletExamples", dependencies: ["Rivulet"]),
        .executableTarget(name: "rivulet", dependencies: ["Rivulet", "RivuletExamples"]),
        .executableTarget(name: "RivuletBench", dependencies: ["Rivulet", "RivuletExamples"]),
        .testTarget(name: "RivuletCoreTests", dependencies: ["RivuletCore"]),
        .testTarget(name: "RivuletTests", dependencies: ["Rivulet", "RivuletExamples"]),
        .testTarget(name: "RivuletRocksDBTests", dependencies: ["RivuletRocksDB"]),
    ],
    swiftLanguageModes: [.v6]
)
