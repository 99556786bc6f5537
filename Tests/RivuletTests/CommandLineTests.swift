// The `rivulet local` command as a user runs it: real processes, exit codes, one-line errors.

import XCTest
import Foundation
import Rivulet
import RivuletTesting

final class CommandLineTests: XCTestCase {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `rivulet` binary built next to the test bundle.
    var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rivulet").path
    }

    func rivulet(_ arguments: String...) throws -> Run { try rivulet(arguments) }

    func rivulet(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    func assertOneLineError(_ run: Run, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(run.status, 0, "should fail: \(run.stderr)", file: file, line: line)
        let lines = run.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line expected: \(run.stderr)", file: file, line: line)
        XCTAssertTrue(run.stderr.contains(text), "'\(run.stderr)' should contain '\(text)'", file: file, line: line)
    }

    func testListShowsTheExampleJobs() throws {
        let run = try rivulet("local", "--list")
        XCTAssertEqual(run.status, 0)
        for job in ["wordcount", "window-wordcount", "top-speed", "--input"] {
            XCTAssertTrue(run.stdout.contains(job), run.stdout)
        }
    }

    func testWordCountOfAFileToStdoutAndToPartFiles() throws {
        let dir = NSTemporaryDirectory() + "rivulet-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.txt"
        try "Hello, hello WORLD!\nworld... hello\r\n42 ünï 42\n".write(toFile: input, atomically: true, encoding: .utf8)
        let printed = try rivulet("local", "wordcount", "--input", input)
        XCTAssertEqual(printed.status, 0, printed.stderr)
        XCTAssertEqual(printed.stdout.split(separator: "\n").sorted(), ["42\t2", "hello\t3", "world\t2", "ünï\t1"])
        let written = try rivulet("local", "wordcount", "--input", input, "--output", dir + "/out", "--parallelism", "3")
        XCTAssertEqual(written.status, 0, written.stderr)
        XCTAssertEqual(written.stdout, "")
        XCTAssertEqual(try readPartFiles(dir + "/out").sorted(), ["42\t2", "hello\t3", "world\t2", "ünï\t1"])
    }

    func testOtherExampleJobsRun() throws {
        let top = try rivulet("local", "top-speed", "--cars", "2", "--records", "400")
        XCTAssertEqual(top.status, 0, top.stderr)
        // 400 events of 2 cars, 100 ms apart per car: 20 s of event time = 2 periods per car.
        XCTAssertEqual(top.stdout.split(separator: "\n").count, 4, top.stdout)
        let windows = try rivulet("local", "window-wordcount", "--records", "500", "-p", "2")
        XCTAssertEqual(windows.status, 0, windows.stderr)
        let total = windows.stdout.split(separator: "\n").compactMap { Int($0.split(separator: "\t").last ?? "") }.reduce(0, +)
        XCTAssertEqual(total, 2500)
    }

    func testBadInputGivesOneLineErrorAndNonZeroExit() throws {
        assertOneLineError(try rivulet("local", "no-such-job"), contains: "unknown job 'no-such-job'")
        assertOneLineError(try rivulet("local", "wordcount", "--input", "/no/such/file.txt"), contains: "'/no/such/file.txt' does not exist")
        assertOneLineError(try rivulet("local", "wordcount", "--input", NSTemporaryDirectory()), contains: "is a directory")
        assertOneLineError(
            try rivulet("local", "sequence-check", "--keys", "5", "-p", "2"),
            contains: "--keys (5) to be a multiple of the parallelism (2)")
        assertOneLineError(try rivulet("local", "wordcount", "--colour", "red"), contains: "unknown option --colour")
        assertOneLineError(try rivulet("local", "wordcount", "--input"), contains: "--input of job 'wordcount' needs a value")
        assertOneLineError(try rivulet("local", "window-wordcount", "--records", "many"), contains: "--records")
        assertOneLineError(try rivulet("local", "window-wordcount", "--socket", "nohost"), contains: "host:port")
        assertOneLineError(try rivulet("local", "wordcount", "-D", "no.such.key=1"), contains: "unknown configuration key 'no.such.key'")
        assertOneLineError(try rivulet("local", "wordcount", "-D", "execution.buffer-timeout=soon"), contains: "execution.buffer-timeout")
        assertOneLineError(try rivulet("local", "wordcount", "--parallelism", "0"), contains: "--parallelism")
        assertOneLineError(try rivulet("local", "wordcount", "--parallelism", "500"), contains: "parallelism 500")
        assertOneLineError(try rivulet("local"), contains: "no job given")
    }

    func testInterruptCancelsAnUnboundedJobWithExitCode130() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["local", "window-wordcount", "--records", "0", "--rate", "1000"]
        let err = Pipe()
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = err
        try process.run()
        usleep(1_000_000)  // the job is unbounded: still running now
        XCTAssertTrue(process.isRunning)
        kill(process.processIdentifier, SIGINT)
        let exited = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            process.waitUntilExit(); exited.signal()
        }
        if exited.wait(timeout: .now() + 20) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            return XCTFail("Ctrl-C did not stop the job")
        }
        XCTAssertEqual(process.terminationStatus, 130)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(stderr, "error: job 'window-wordcount' was cancelled\n")
    }

    /// A text big enough that a 20 ms checkpoint interval takes checkpoints while it is read:
    /// 60,000 lines of words from a 5,000-word vocabulary.
    func writeWordFile(_ path: String) throws {
        var rng = SplitMix64(seed: 11)
        var text = ""
        for _ in 0..<60_000 {
            for j in 0..<8 { text += (j == 0 ? "" : " ") + "w\(rng.next() % 5_000)" }
            text += "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testCheckpointedWordCountWritesExactlyTheLinesOfAnUncheckpointedRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/words.txt"
        try writeWordFile(input)
        let plain = try rivulet("local", "wordcount", "--input", input, "--output", dir + "/plain")
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let expected = try readPartFiles(dir + "/plain").sorted()
        XCTAssertEqual(expected.count, 5_000)
        for parallelism in ["1", "3"] {
            let out = dir + "/checkpointed-\(parallelism)", checkpoints = dir + "/checkpoints-\(parallelism)"
            let run = try rivulet(
                "local", "wordcount", "--input", input, "--output", out, "-p", parallelism,
                "-D", "execution.checkpointing.interval=20ms", "-D", "state.checkpoints.dir=\(checkpoints)")
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try readPartFiles(out).sorted(), expected, "parallelism \(parallelism)")
            let hidden = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") }
            XCTAssertEqual(hidden, [], "no in-progress or pending file is left")
            // One job directory holding completed checkpoints, each with its _metadata.
            let jobs = try FileManager.default.contentsOfDirectory(atPath: checkpoints)
            XCTAssertEqual(jobs.count, 1, "\(jobs)")
            let chk = try FileManager.default.contentsOfDirectory(atPath: "\(checkpoints)/\(jobs[0])").filter { $0.hasPrefix("chk-") }
            XCTAssertFalse(chk.isEmpty)
            for c in chk { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(checkpoints)/\(jobs[0])/\(c)/_metadata"), c) }
        }
    }

    func testSavepointOnFinishWritesMetadataAndRestores() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checkpointing = ["-D", "execution.checkpointing.interval=20ms", "-D", "state.checkpoints.dir=\(dir)/checkpoints"]
        let first = try rivulet(["local", "wordcount", "--output", dir + "/out1", "--savepoint-on-finish", dir + "/sp"] + checkpointing)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/sp/_metadata"), first.stderr)
        XCTAssertTrue(first.stderr.contains(dir + "/sp"), "says where the savepoint is: \(first.stderr)")
        // A second savepoint into the same directory is refused before the job runs.
        assertOneLineError(
            try rivulet(["local", "wordcount", "--savepoint-on-finish", dir + "/sp"] + checkpointing),
            contains: "\(dir)/sp: already holds a savepoint")
        // Restoring (long and short form, the directory or its _metadata), into a new output directory.
        for (flag, path, out) in [("--from-savepoint", dir + "/sp", "/out2"), ("-s", dir + "/sp/_metadata", "/out3")] {
            let restored = try rivulet(["local", "wordcount", "--output", dir + out, flag, path] + checkpointing)
            XCTAssertEqual(restored.status, 0, "\(flag): \(restored.stderr)")
            let hidden = try FileManager.default.contentsOfDirectory(atPath: dir + out).filter { $0.hasPrefix(".") }
            XCTAssertEqual(hidden, [], "\(flag): every output file is committed")
        }
    }

    func testBadCheckpointAndSavepointOptionsGiveOneLineErrors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let checkpointing = ["-D", "execution.checkpointing.interval=20ms", "-D", "state.checkpoints.dir=\(dir)/checkpoints"]
        assertOneLineError(
            try rivulet(["local", "wordcount", "--from-savepoint", dir + "/missing"] + checkpointing),
            contains: "\(dir)/missing: cannot restore: no savepoint there")
        assertOneLineError(
            try rivulet(["local", "wordcount", "-s", dir] + checkpointing),
            contains: "\(dir): cannot restore: not a savepoint (the directory has no _metadata file)")
        assertOneLineError(try rivulet("local", "wordcount", "-s", dir + "/missing"), contains: "\(dir)/missing")
        assertOneLineError(
            try rivulet("local", "wordcount", "-D", "execution.checkpointing.interval=20ms"),
            contains: "'state.checkpoints.dir' is not set")
        assertOneLineError(
            try rivulet("local", "wordcount", "--savepoint-on-finish", dir + "/sp"),
            contains: "needs checkpointing: set execution.checkpointing.interval and state.checkpoints.dir")
        try "not a directory".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        assertOneLineError(
            try rivulet([
                "local", "wordcount", "-D", "state.checkpoints.dir=\(dir)/file/checkpoints",
                "-D", "execution.checkpointing.interval=20ms",
            ]),
            contains: "\(dir)/file/checkpoints")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/sp"), "nothing is created for a refused savepoint")
    }

    func testUnwritableOutputFailsNamingThePath() throws {
        let run = try rivulet("local", "wordcount", "--output", "/proc/rivulet-cannot-write-here")
        assertOneLineError(run, contains: "/proc/rivulet-cannot-write-here")
    }

    /// `rivulet sql` without a file is a shell: statements end with ';', a query's changelog is
    /// a table (Flink's tableau result mode) unless SET says 'changelog', and each statement goes
    /// to ~/.rivulet_sql_history.
    func testSQLShellShowsAQueryAsATableAndKeepsHistory() throws {
        let home = try temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["sql"]
        process.environment = ProcessInfo.processInfo.environment.merging(["HOME": home]) { $1 }
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(
            Data(
                """
                CREATE TABLE n (x BIGINT, name STRING)
                  WITH ('connector' = 'datagen', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '3',
                        'fields.name.length' = '40');
                SELECT x, x * 2 AS twice, CAST(NULL AS STRING) AS nothing, name FROM n;
                SET 'sql-client.execution.result-mode' = 'changelog';
                SELECT x FROM n WHERE x = 2;
                SELECT y FROM n;

                """.utf8))
        input.fileHandleForWriting.closeFile()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        let lines = stdout.split(separator: "\n").map(String.init)
        let border = "+----+----------------------+----------------------+--------------------------------+--------------------------------+"
        XCTAssertEqual(lines.filter { $0 == border }.count, 3, stdout)
        XCTAssertTrue(
            lines.contains("| op |                    x |                twice |                        nothing |                           name |"),
            stdout)
        XCTAssertTrue(
            lines.contains {
                $0.hasPrefix("| +I |                    2 |                    4 |                         <NULL> | ") && $0.hasSuffix("... |")
            }, stdout)
        XCTAssertTrue(lines.contains("Received a total of 3 rows"), stdout)
        XCTAssertTrue(lines.contains("+I[2]"), "the changelog result mode: \(stdout)")
        XCTAssertTrue(stderr.contains("SQL error at line 1, column 8: column 'y' not found"), "lines count from the statement: \(stderr)")
        let history = try String(contentsOfFile: home + "/.rivulet_sql_history", encoding: .utf8)
        XCTAssertTrue(history.contains("SELECT x FROM n WHERE x = 2;") && history.contains("SELECT y FROM n;"), history)
    }
}
