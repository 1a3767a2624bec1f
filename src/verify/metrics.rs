//! The metric names and label names each metric source exposes, as far as
//! o11yc's queries (and users' queries on the same sources) need them.
//!
//! Versions the table was checked against:
//!
//! | Source | Version | Where the names come from |
//! |---|---|---|
//! | Alloy | v1.18.1 (chart alloy 1.11.1) | `internal/component/common/loki/client/metrics.go`, `internal/component/loki/process/`, `internal/runtime/` |
//! | kube-state-metrics | v2.20.0 (kube-prometheus-stack 88.5.3) | `docs/metrics/` |
//! | cAdvisor, kubelet | Kubernetes 1.33 (embedded in the kubelet) | `/metrics/cadvisor`, `/metrics` |
//! | node-exporter | v1.12.1 (kube-prometheus-stack 88.5.3) | collectors `cpu`, `meminfo`, `filesystem`, `loadavg` |
//! | DCGM exporter | 4.x (`default-counters.csv`) | NVIDIA GPU operator |
//! | AMD device metrics exporter | v1.3 | ROCm `device-metrics-exporter` |
//! | Loki | 3.7.6 (chart loki 18.11.0) | `pkg/util/server`, `pkg/validation` |
//! | Tempo | 2.10.8 (chart tempo 2.2.4) | distributor, receiver shim |
//! | Prometheus | v3.14.0 (kube-prometheus-stack 88.5.3) | `rules/`, `scrape/`, synthetic `up` |
//! | controller-runtime | v0.2x | `pkg/internal/controller/metrics` |
//!
//! A name missing here is not proof the source lacks it: the linker refuses a
//! name no collected source lists, so extend the table (with the version) when
//! a query needs a new metric.

use std::fmt;

/// Where metrics come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MetricSource {
    /// Alloy's own `/metrics`.
    Alloy,
    /// kube-state-metrics.
    KubeStateMetrics,
    /// The kubelet's embedded cAdvisor (`/metrics/cadvisor`).
    Cadvisor,
    /// The kubelet's own `/metrics`.
    Kubelet,
    /// Prometheus node-exporter.
    NodeExporter,
    /// NVIDIA DCGM exporter.
    Dcgm,
    /// AMD device metrics exporter.
    Amd,
    /// Loki's `/metrics`.
    Loki,
    /// Tempo's `/metrics`.
    Tempo,
    /// Prometheus itself, and the `up` series of every target.
    Prometheus,
    /// Operators built on controller-runtime (KAIWO, Kueue, KubeRay).
    ControllerRuntime,
}

impl fmt::Display for MetricSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MetricSource::Alloy => "Alloy",
            MetricSource::KubeStateMetrics => "kube-state-metrics",
            MetricSource::Cadvisor => "cAdvisor",
            MetricSource::Kubelet => "the kubelet",
            MetricSource::NodeExporter => "node-exporter",
            MetricSource::Dcgm => "the DCGM exporter",
            MetricSource::Amd => "the AMD device metrics exporter",
            MetricSource::Loki => "Loki",
            MetricSource::Tempo => "Tempo",
            MetricSource::Prometheus => "Prometheus",
            MetricSource::ControllerRuntime => "controller-runtime operators",
        })
    }
}

/// Labels every scraped series gets from its target (ServiceMonitor or Alloy discovery).
pub const TARGET_LABELS: &[&str] = &[
    "job",
    "instance",
    "namespace",
    "pod",
    "container",
    "service",
    "endpoint",
];

impl MetricSource {
    /// Every source.
    pub const ALL: [MetricSource; 11] = [
        MetricSource::Alloy,
        MetricSource::KubeStateMetrics,
        MetricSource::Cadvisor,
        MetricSource::Kubelet,
        MetricSource::NodeExporter,
        MetricSource::Dcgm,
        MetricSource::Amd,
        MetricSource::Loki,
        MetricSource::Tempo,
        MetricSource::Prometheus,
        MetricSource::ControllerRuntime,
    ];

    /// Metric names (histograms with their `_bucket`, `_sum`, `_count` series).
    pub fn metrics(self) -> &'static [&'static str] {
        match self {
            MetricSource::Alloy => &[
                "alloy_build_info",
                "alloy_component_controller_evaluating",
                "alloy_component_evaluation_seconds_bucket",
                "alloy_component_evaluation_seconds_count",
                "alloy_component_evaluation_seconds_sum",
                "loki_process_dropped_lines_total",
                "loki_write_batch_retries_total",
                "loki_write_dropped_bytes_total",
                "loki_write_dropped_entries_total",
                "loki_write_entry_propagation_latency_seconds_bucket",
                "loki_write_entry_propagation_latency_seconds_count",
                "loki_write_entry_propagation_latency_seconds_sum",
                "loki_write_request_duration_seconds_bucket",
                "loki_write_request_duration_seconds_count",
                "loki_write_request_duration_seconds_sum",
                "loki_write_sent_bytes_total",
                "loki_write_sent_entries_total",
            ],
            MetricSource::KubeStateMetrics => &[
                "kube_daemonset_status_desired_number_scheduled",
                "kube_daemonset_status_number_ready",
                "kube_deployment_status_replicas_available",
                "kube_namespace_status_phase",
                "kube_node_info",
                "kube_node_status_condition",
                "kube_pod_container_resource_limits",
                "kube_pod_container_resource_requests",
                "kube_pod_container_status_restarts_total",
                "kube_pod_info",
                "kube_pod_status_phase",
                "kube_pod_status_ready",
            ],
            MetricSource::Cadvisor => &[
                "container_cpu_usage_seconds_total",
                "container_fs_usage_bytes",
                "container_memory_rss",
                "container_memory_working_set_bytes",
                "container_network_receive_bytes_total",
                "container_network_transmit_bytes_total",
            ],
            MetricSource::Kubelet => &[
                "kubelet_running_containers",
                "kubelet_running_pods",
                "kubelet_volume_stats_available_bytes",
                "kubelet_volume_stats_capacity_bytes",
                "kubelet_volume_stats_used_bytes",
            ],
            MetricSource::NodeExporter => &[
                "node_cpu_seconds_total",
                "node_filesystem_avail_bytes",
                "node_filesystem_size_bytes",
                "node_load1",
                "node_memory_MemAvailable_bytes",
                "node_memory_MemTotal_bytes",
            ],
            MetricSource::Dcgm => &[
                "DCGM_FI_DEV_FB_FREE",
                "DCGM_FI_DEV_FB_USED",
                "DCGM_FI_DEV_GPU_TEMP",
                "DCGM_FI_DEV_GPU_UTIL",
                "DCGM_FI_DEV_POWER_USAGE",
            ],
            MetricSource::Amd => &[
                "gpu_edge_temperature",
                "gpu_gfx_activity",
                "gpu_power_usage",
                "gpu_total_vram",
                "gpu_used_vram",
            ],
            MetricSource::Loki => &[
                "loki_discarded_samples_total",
                "loki_distributor_bytes_received_total",
                "loki_distributor_lines_received_total",
                "loki_request_duration_seconds_bucket",
                "loki_request_duration_seconds_count",
                "loki_request_duration_seconds_sum",
            ],
            MetricSource::Tempo => &[
                "tempo_discarded_spans_total",
                "tempo_distributor_spans_received_total",
                "tempo_receiver_accepted_spans",
                "tempo_receiver_refused_spans",
            ],
            MetricSource::Prometheus => &[
                "prometheus_rule_evaluation_failures_total",
                "prometheus_target_scrapes_exceeded_sample_limit_total",
                "prometheus_tsdb_head_series",
                "up",
            ],
            MetricSource::ControllerRuntime => &[
                "controller_runtime_reconcile_errors_total",
                "controller_runtime_reconcile_total",
                "workqueue_depth",
            ],
        }
    }

    /// Label names of the source's series, besides [`TARGET_LABELS`].
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            MetricSource::Alloy => &[
                "component_id",
                "component_path",
                "host",
                "le",
                "status_code",
                "tenant",
                "reason",
            ],
            MetricSource::KubeStateMetrics => &[
                "condition",
                "daemonset",
                "deployment",
                "node",
                "phase",
                "resource",
                "status",
                "uid",
                "unit",
                "host_ip",
                "pod_ip",
                "created_by_kind",
                "created_by_name",
                "kernel_version",
                "os_image",
                "internal_ip",
            ],
            MetricSource::Cadvisor => &[
                "id",
                "image",
                "name",
                "cpu",
                "interface",
                "device",
                "node",
                "metrics_path",
            ],
            MetricSource::Kubelet => &["node", "metrics_path", "persistentvolumeclaim"],
            MetricSource::NodeExporter => &["cpu", "mode", "device", "fstype", "mountpoint"],
            MetricSource::Dcgm => &[
                "gpu",
                "UUID",
                "device",
                "modelName",
                "Hostname",
                "DCGM_FI_DRIVER_VERSION",
            ],
            MetricSource::Amd => &[
                "gpu_id",
                "gpu_uuid",
                "serial_number",
                "card_model",
                "hostname",
            ],
            MetricSource::Loki => &[
                "le",
                "method",
                "route",
                "status_code",
                "ws",
                "reason",
                "tenant",
            ],
            MetricSource::Tempo => &["reason", "receiver", "transport", "tenant"],
            MetricSource::Prometheus => &["rule_group", "scrape_job"],
            MetricSource::ControllerRuntime => &["controller", "result", "name"],
        }
    }

    /// The sources that list `metric`.
    pub fn of(metric: &str) -> Vec<MetricSource> {
        MetricSource::ALL
            .into_iter()
            .filter(|s| s.metrics().contains(&metric))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloy_does_not_export_a_log_processing_histogram() {
        // The seed's `loki_process_duration_seconds` is not an Alloy metric (v1.18.1).
        assert!(MetricSource::of("loki_process_duration_seconds_bucket").is_empty());
        assert_eq!(
            MetricSource::of("loki_write_entry_propagation_latency_seconds_bucket"),
            [MetricSource::Alloy]
        );
    }

    #[test]
    fn no_metric_is_listed_by_two_sources() {
        let mut seen = std::collections::BTreeMap::new();
        for source in MetricSource::ALL {
            for metric in source.metrics() {
                assert_eq!(seen.insert(*metric, source), None, "{metric}");
            }
        }
    }
}
