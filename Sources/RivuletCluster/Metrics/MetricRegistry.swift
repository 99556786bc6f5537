// One process's metrics: swift-metrics gauges on a swift-prometheus registry, named and
// labelled the way Flink's Prometheus reporter names them.

import CoreMetrics
import Prometheus
import Synchronization

/// The metrics of one process (a JobManager, a TaskManager, or a local run), exposed in
/// Prometheus' text format. Metrics are swift-metrics instruments made through this
/// registry's factory, so two processes in one test never share a registry; the `rivulet`
/// binary also bootstraps the global `MetricsSystem` with it, so a job's own swift-metrics
/// counters appear beside Rivulet's.
package final class MetricRegistry: Sendable {
    package let prometheus = PrometheusCollectorRegistry()
    package let factory: PrometheusMetricsFactory

    package init() {
        factory = PrometheusMetricsFactory(registry: prometheus)
    }

    private static let global = Mutex<MetricRegistry?>(nil)

    /// The process's registry, made the global `MetricsSystem` backend on first use (once per
    /// process): what a job records through swift-metrics is exposed beside Rivulet's metrics.
    package static func bootstrapped() -> MetricRegistry {
        global.withLock { g in
            if let g { return g }
            let made = MetricRegistry()
            MetricsSystem.bootstrap(made.factory)
            g = made
            return made
        }
    }

    /// Every metric, in Prometheus' text exposition format (version 0.0.4).
    package func exposition() -> String { prometheus.emitToString() }

    /// The group of the process scope (`rivulet_jobmanager`, `rivulet_taskmanager`).
    package func group(_ scope: String, labels: [(String, String)] = []) -> MetricGroup {
        MetricGroup(registry: self, prefix: "rivulet_" + scope, labels: labels)
    }
}

/// Metrics under one scope and label set (Flink's MetricGroup): `rivulet_taskmanager_job_task`
/// with the job, task and subtask labels, say. A metric's full name is the scope, `_`, and
/// Flink's metric name. Closing the group removes its metrics from the exposition.
package final class MetricGroup: Sendable {
    let registry: MetricRegistry
    package let prefix: String
    package let labels: [(String, String)]
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    init(registry: MetricRegistry, prefix: String, labels: [(String, String)]) {
        self.registry = registry
        self.prefix = prefix
        self.labels = labels
    }

    /// A child scope: `prefix_scope` with more labels.
    package func child(_ scope: String, labels more: [(String, String)]) -> MetricGroup {
        MetricGroup(registry: registry, prefix: prefix + "_" + scope, labels: labels + more)
    }

    /// Sets gauge `name` (made on first use), with `extra` labels beside the group's.
    package func set(_ name: String, labels extra: [(String, String)] = [], _ value: Double) {
        let key = extra.isEmpty ? name : name + extra.map { "|\($0.0)=\($0.1)" }.joined()
        let gauge = gauges.withLock { g in
            if let existing = g[key] { return existing }
            let made = CoreMetrics.Gauge(label: prefix + "_" + name, dimensions: labels + extra, factory: registry.factory)
            g[key] = made
            return made
        }
        gauge.record(value)
    }

    package func set(_ name: String, _ value: Int64) { set(name, Double(value)) }

    /// Removes every metric of this group from the registry.
    package func close() {
        let all = gauges.withLock { g in
            defer { g.removeAll() }
            return Array(g.values)
        }
        for gauge in all { gauge.destroy() }
    }
}
