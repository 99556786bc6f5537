// The CPU time, memory and threads of this process, read from Linux's /proc (the JVM-free
// counterpart of Flink's Status.JVM.* metrics).

import Foundation
import RivuletRuntime

/// A process's resource use at one moment.
package struct ProcessStatus: Sendable, Equatable, Codable {
    /// CPU time (user and system) since the process started, in nanoseconds.
    package var cpuNanos: Int64
    /// Resident memory, in bytes.
    package var rssBytes: Int64
    package var threads: Int
    /// When the process started, in milliseconds since the epoch.
    package var startTimeMillis: Int64

    package init(cpuNanos: Int64, rssBytes: Int64, threads: Int, startTimeMillis: Int64) {
        self.cpuNanos = cpuNanos
        self.rssBytes = rssBytes
        self.threads = threads
        self.startTimeMillis = startTimeMillis
    }

    /// When this process started (the first time anyone asked).
    package static let processStartMillis = SystemClock.nowMillis()

    /// CPUs kept busy between `previous` and this status, `elapsed` apart (1.0: one core); nil
    /// when no time passed.
    package func cpuLoad(since previous: ProcessStatus, over elapsed: Duration) -> Double? {
        let nanos = elapsed.nanoseconds
        return nanos > 0 ? max(0, Double(cpuNanos - previous.cpuNanos) / nanos) : nil
    }

    /// This process now: CPU time from getrusage, memory and threads from /proc/self/status.
    package static func current() -> ProcessStatus {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func nanos(_ t: timeval) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_usec) * 1000 }
        let (rss, threads) = parseStatus((try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? "")
        return ProcessStatus(
            cpuNanos: nanos(usage.ru_utime) + nanos(usage.ru_stime), rssBytes: rss, threads: threads,
            startTimeMillis: processStartMillis)
    }

    /// `VmRSS` (in bytes) and `Threads` from the text of /proc/PID/status.
    package static func parseStatus(_ text: String) -> (rssBytes: Int64, threads: Int) {
        var rss: Int64 = 0, threads = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            if fields[0] == "VmRSS:", let kb = Int64(fields[1]) { rss = kb * 1024 }
            if fields[0] == "Threads:", let n = Int(fields[1]) { threads = n }
        }
        return (rss, threads)
    }
}
