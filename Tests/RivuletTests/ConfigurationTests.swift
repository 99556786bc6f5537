// Typed configuration options: parsing, canonical values, defaults and errors that name the key.

import Rivulet
import XCTest

final class ConfigurationTests: XCTestCase {
    func testTypedReadsParseWhatWasSetAndFallBackToDefaults() throws {
        let c = try Configuration([
            "execution.checkpointing.interval": "5 s", "state.checkpoints.dir": "/tmp/chk",
            "state.backend.rocksdb.block-cache-size": "128mb", "state.backend.type": "HashMap",
            "restart-strategy.type": "Fixed-Delay", "state.backend.incremental": "TRUE",
        ])
        XCTAssertEqual(c[CheckpointingOptions.interval], .seconds(5))
        XCTAssertEqual(c[CheckpointingOptions.directory], "/tmp/chk")
        XCTAssertEqual(c[StateBackendOptions.rocksDBBlockCacheSize], 128 << 20)
        XCTAssertEqual(c[StateBackendOptions.type], .heap, "hashmap is Flink's name for the heap backend")
        XCTAssertEqual(c[RestartStrategyOptions.type], .fixedDelay)
        XCTAssertTrue(c[StateBackendOptions.incremental])
        XCTAssertEqual(c[PipelineOptions.parallelism], 1, "a key not set reads its default")
        XCTAssertEqual(c[NetworkOptions.bufferTimeout], .milliseconds(100))
        XCTAssertNil(c.values["parallelism.default"], "values hold only the keys that were set")
        XCTAssertEqual(c.values["state.backend.type"], "heap", "values keep the canonical spelling")
        XCTAssertEqual(c.values["execution.checkpointing.interval"], "5000 ms")
    }

    func testUnknownKeysAndBadValuesNameTheKey() {
        XCTAssertThrowsError(try Configuration(["execution.checkpointing.intervall": "5 s"])) {
            XCTAssertTrue("\($0)".contains("unknown configuration key 'execution.checkpointing.intervall'"), "\($0)")
        }
        let bad: [(String, String, String)] = [
            ("parallelism.default", "0", "from 1 to 32768"),
            ("execution.buffer-timeout", "soon", "duration"),
            ("state.backend.rocksdb.write-buffer-size", "lots", "size"),
            ("state.backend.type", "cassandra", "heap, rocksdb"),
            ("state.backend.incremental", "yes", "true or false"),
            ("restart-strategy.exponential-delay.backoff-multiplier", "0.5", "at least 1.0"),
            ("state.backend.rocksdb.block-cache-size", "99999999999999 gb", "size"),
        ]
        for (key, value, requirement) in bad {
            XCTAssertThrowsError(try Configuration([key: value]), "\(key)=\(value)") {
                let text = "\($0)"
                XCTAssertTrue(text.contains("'\(key)'") && text.contains("'\(value)'") && text.contains(requirement), text)
            }
        }
    }

    func testClusterKeysAreNotEngineKeys() {
        XCTAssertThrowsError(try Configuration(["rest.port": "8081"]), "the engine's schema does not hold the cluster's keys")
        XCTAssertNil(ConfigurationSchema.engine.option(forKey: "rest.port"))
    }

    func testSettingKeepsTheSchemaAndChecksTheValue() throws {
        let c = try Configuration().setting(CheckpointingOptions.mode, to: .atLeastOnce)
        XCTAssertEqual(c[CheckpointingOptions.mode], .atLeastOnce)
        XCTAssertThrowsError(try c.setting("pipeline.max-parallelism", to: "-3"))
        let env = StreamExecutionEnvironment(configuration: c)
        try env.set("execution.buffer-timeout", "1 ms")
        XCTAssertEqual(env.configuration[NetworkOptions.bufferTimeout], .milliseconds(1))
        XCTAssertEqual(env.configuration[CheckpointingOptions.mode], .atLeastOnce)
    }

    func testEveryDefaultParsesAsItsOwnValue() throws {
        for option in ConfigurationSchema.engine.options where !option.defaultText.isEmpty {
            XCTAssertNoThrow(try Configuration([option.key: option.defaultText]), option.key)
        }
        XCTAssertEqual(Configuration.formatBytes(32 << 10), "32 kb")
        XCTAssertEqual(Configuration.formatBytes(1000), "1000 b")
    }
}
