// Configuration keys of the metrics the processes expose to Prometheus.

import Foundation
import RivuletRuntime

/// `metrics.*`: where each process serves its metrics in Prometheus' text format.
public enum MetricOptions: ConfigOptionGroup {
    public static let title = "Metrics"

    public static let prometheusPort = ConfigOption<String>.text(
        "metrics.reporter.prom.port", default: "",
        "Port, or range of ports such as 9250-9260 (the first free one is taken), where a TaskManager serves /metrics in Prometheus' format; empty: no TaskManager serves metrics. The JobManager serves /metrics on its REST port."
    ) { value in
        value.isEmpty || PortRange(value) != nil ? nil : "must be a port (1-65535) or a range such as 9250-9260"
    }
    public static let sampleInterval = ConfigOption<Duration>.duration(
        "metrics.sample-interval", default: "1 s", "How often task and process metrics are sampled into the registry.")
    public static let rateWindow = ConfigOption<Int>.integer(
        "metrics.rate-window", default: 5, in: 1...600, "Samples a per-second rate (numRecordsInPerSecond, busyTimeMsPerSecond) is averaged over.")

    public static let reportInterval = ConfigOption<Duration>.duration(
        "metrics.fetcher.update-interval", default: "2 s",
        "How often TaskManagers send their task metrics and process status to the JobManager (REST API, Web UI), between heartbeats.")

    public static let options = [prometheusPort.erased, sampleInterval.erased, rateWindow.erased, reportInterval.erased]
}

/// A port or an inclusive range of ports, `9249` or `9250-9260`.
public struct PortRange: Sendable, Equatable {
    public let ports: ClosedRange<Int>

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count), let low = Int(parts[0]), let high = Int(parts.last ?? ""), 1 <= low, low <= high, high <= 65535
        else { return nil }
        ports = low...high
    }
}
