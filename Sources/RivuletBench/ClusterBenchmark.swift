// `bin/bench cluster`: the keyed aggregation across processes. A JobManager and two
// TaskManagers (one slot each) run `keyed-sum` at parallelism 2: each TaskManager runs one
// source and one aggregation subtask, and the keyBy sends about half the records to the other
// TaskManager over TCP. Printed next to the same job in one process.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Rivulet
import RivuletExamples

/// A `rivulet` process started for the benchmark (Foundation's Process, as case 5 uses), its
/// output in a log file; stopped with SIGTERM.
private struct ChildProcess {
    let process = Process()

    init(_ executable: String, _ arguments: [String], log: String) throws {
        FileManager.default.createFile(atPath: log, contents: nil)
        let output = FileHandle(forWritingAtPath: log)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Waits for the process to end; its exit status.
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// GET `http://127.0.0.1:<port><path>` as JSON.
private func getJSON(port: Int, _ path: String) -> [String: Any]? {
    guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return nil }
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: [String: Any]?
    URLSession.shared.dataTask(with: URLRequest(url: url, timeoutInterval: 5)) { data, _, _ in
        result = data.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        done.signal()
    }.resume()
    done.wait()
    return result
}

/// A TCP port nothing listens on right now.
private func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}

func benchCluster() throws {
    let n = 20_000_000 / scale, keys = 100_000
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("rivulet").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        print("cluster: skipped: \(binary) is missing (bin/bench builds it)")
        return
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-bench-cluster-\(getpid())").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let rest = freePort(), rpc = freePort()
    // Metrics reach the JobManager with every heartbeat: 50 ms bounds the error of both numbers.
    var common = [
        "--conf", directory, "-D", "rest.port=\(rest)", "-D", "jobmanager.rpc.port=\(rpc)",
        "-D", "heartbeat.interval=50 ms", "-D", "taskmanager.numberOfTaskSlots=1",
    ]
    // --tls: every connection between the processes is mutual TLS (bin/certs makes the files).
    let tls = arguments.contains("--tls")
    if tls {
        let certs = FileManager.default.currentDirectoryPath + "/bin/certs"
        let made = try ChildProcess(certs, ["--out", directory + "/tls", "127.0.0.1"], log: directory + "/certs.log")
        guard made.wait() == 0 else {
            throw BenchError("bin/certs failed: \((try? String(contentsOfFile: directory + "/certs.log", encoding: .utf8)) ?? "")")
        }
        common += [
            "-D", "security.ssl.internal.enabled=true", "-D", "security.ssl.internal.cert=\(directory)/tls/127.0.0.1.pem",
            "-D", "security.ssl.internal.key=\(directory)/tls/127.0.0.1-key.pem", "-D", "security.ssl.internal.ca=\(directory)/tls/ca.pem",
        ]
    }
    var processes: [ChildProcess] = []
    defer { for p in processes.reversed() { p.stop() } }
    processes.append(try ChildProcess(binary, ["jobmanager"] + common, log: directory + "/jobmanager.log"))
    for i in 0..<2 { processes.append(try ChildProcess(binary, ["taskmanager"] + common, log: directory + "/taskmanager-\(i).log")) }
    let ready = Date().addingTimeInterval(60)
    while (getJSON(port: rest, "/v1/overview")?["taskManagers"] as? Int) != 2 {
        guard Date() < ready else { throw BenchError("the cluster did not come up within 60 s (logs in \(directory))") }
        usleep(20_000)
    }

    // Submit with the CLI, as a user does; watch the job over REST.
    let submitted = DispatchTime.now().uptimeNanoseconds
    let runLog = directory + "/run.log"
    let run = try ChildProcess(
        binary,
        [
            "run", "--detached", "-m", "127.0.0.1:\(rest)", "-p", "2", "keyed-sum",
            "--count", "\(n)", "--keys", "\(keys)",
        ], log: runLog)
    guard run.wait() == 0,
        let id = (try? String(contentsOfFile: runLog, encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).last.map(String.init)
    else {
        throw BenchError("rivulet run failed: \((try? String(contentsOfFile: runLog, encoding: .utf8)) ?? "")")
    }
    var firstRecord: UInt64?
    var finished: UInt64?
    let deadline = Date().addingTimeInterval(600)
    while finished == nil {
        guard Date() < deadline else { throw BenchError("keyed-sum did not finish within 600 s") }
        guard let detail = getJSON(port: rest, "/v1/jobs/\(id)") else { usleep(5_000); continue }
        let now = DispatchTime.now().uptimeNanoseconds
        let recordsIn = (detail["vertices"] as? [[String: Any]] ?? []).compactMap { ($0["recordsIn"] as? NSNumber)?.int64Value }.max() ?? 0
        if firstRecord == nil && recordsIn > 0 { firstRecord = now }
        switch detail["status"] as? String {
        case "FINISHED": finished = now
        case "FAILED", "CANCELED": throw BenchError("keyed-sum ended \(detail["status"] ?? "?")")
        default: usleep(5_000)
        }
    }
    guard let end = finished else { throw BenchError("keyed-sum did not finish") }  // the loop ends only once it has
    let first = firstRecord ?? end  // no metrics arrived before the job finished
    let startup = Double(first - submitted) / 1e9
    let running = Double(end - first) / 1e9

    // The same job in one process, at the same parallelism.
    let local = try measure(records: n) {
        let env = StreamExecutionEnvironment(configuration: try Configuration(["parallelism.default": "2"]))
        let job = ExampleJobs.keyedSum
        try job.build(env, JobArguments(jobName: job.name, arguments: ["--count", "\(n)", "--keys", "\(keys)"], parameters: job.parameters))
        try env.execute("keyed-sum")
    }
    print(
        "10. keyed aggregation across processes: \(n / 1_000_000)M records, \(keys / 1000)k keys, parallelism 2 on two TaskManagers (half the records cross TCP\(tls ? ", over mutual TLS" : ""))"
    )
    print(
        "  cluster:    \(millions(Double(n) / max(running, 1e-9))) records/s from the first record to FINISHED (\(String(format: "%.2f", running)) s)"
    )
    print(
        "  in-process: \(millions(local.perSecond)) records/s, same job at parallelism 2 in one process (\(String(format: "%.2f", local.seconds)) s)")
    print("  cluster/in-process: \(String(format: "%.2f", (Double(n) / max(running, 1e-9)) / local.perSecond))x")
    print(
        "  from `rivulet run` to the first record processed: \(String(format: "%.0f", startup * 1000)) ms (a whole 100-record `rivulet local` run: case 5, startup)"
    )
    fflush(nil)
}
