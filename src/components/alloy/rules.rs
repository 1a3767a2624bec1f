//! Alloy's built-in alerts: the seven alerts of the reference deployment.

use crate::compile::rules::builtin::{Builtin, Group, alert};
use crate::model::ResourceName;
use crate::resolve::stack::ALLOY_RELEASE;

/// The alert groups the `alloy` component ships.
pub static GROUPS: [Group; 1] = [Group {
    name: "alloy",
    rules: alloy,
}];

/// The Alloy collector (the seven alerts of the reference deployment).
fn alloy() -> Vec<Builtin> {
    vec![
        Builtin {
            needs_kube_state_metrics: true,
            daemonset_only: true,
            expr: |c, _| {
                format!(
                    "kube_daemonset_status_number_ready{{namespace=\"{ns}\", daemonset=\"{ALLOY_RELEASE}\"}} < kube_daemonset_status_desired_number_scheduled{{namespace=\"{ns}\", daemonset=\"{ALLOY_RELEASE}\"}}",
                    ns = c.namespace
                )
            },
            summary: "Alloy is not running on every node",
            description: "Only {{ $value }} Alloy pods of DaemonSet {{ $labels.namespace }}/{{ $labels.daemonset }} are ready; logs of the other nodes are not collected.",
            ..alert("AlloyDaemonSetNotRunning", "critical", "5m")
        },
        Builtin {
            needs_kube_state_metrics: true,
            expr: |c, _| {
                format!(
                    "sum by (namespace, pod) (kube_pod_status_ready{{namespace=\"{}\", pod=~\"{ALLOY_RELEASE}-.+\", condition=\"false\"}}) > 0",
                    c.namespace
                )
            },
            summary: "An Alloy pod is not ready",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} has not been ready for 5 minutes.",
            ..alert("AlloyPodNotReady", "critical", "5m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, pod) (rate(loki_write_dropped_bytes_total{{job=\"{ALLOY_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Alloy drops logs it cannot deliver to Loki",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} drops {{ printf \"%.0f\" $value }} bytes/s of logs it fails to send to Loki.",
            ..alert("AlloyLogDeliveryFailures", "high", "10m")
        },
        Builtin {
            threshold: Some(2.0),
            needs_kube_state_metrics: true,
            expr: |c, t| {
                format!(
                    "increase(kube_pod_container_status_restarts_total{{namespace=\"{}\", container=\"{ALLOY_RELEASE}\"}}[15m]) > {t}",
                    c.namespace
                )
            },
            summary: "An Alloy pod is restarting repeatedly",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ printf \"%.0f\" $value }} times in 15 minutes.",
            ..alert("AlloyPodCrashLooping", "high", "10m")
        },
        Builtin {
            threshold: Some(85.0),
            needs_kube_state_metrics: true,
            expr: |c, t| {
                format!(
                    "100 * max by (namespace, pod) (container_memory_working_set_bytes{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\"}}) / max by (namespace, pod) (kube_pod_container_resource_limits{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\", resource=\"memory\"}}) > {t}",
                    ns = c.namespace
                )
            },
            needs_alloy_limit: Some(ResourceName::Memory),
            summary: "Alloy is close to its memory limit",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ printf \"%.0f\" $value }}% of its memory limit.",
            ..alert("AlloyHighMemoryUsage", "warning", "10m")
        },
        Builtin {
            threshold: Some(85.0),
            needs_kube_state_metrics: true,
            expr: |c, t| {
                format!(
                    "100 * sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\"}}[5m])) / max by (namespace, pod) (kube_pod_container_resource_limits{{namespace=\"{ns}\", container=\"{ALLOY_RELEASE}\", resource=\"cpu\"}}) > {t}",
                    ns = c.namespace
                )
            },
            needs_alloy_limit: Some(ResourceName::Cpu),
            summary: "Alloy is close to its CPU limit",
            description: "Alloy pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ printf \"%.0f\" $value }}% of its CPU limit.",
            ..alert("AlloyHighCPUUsage", "warning", "10m")
        },
        Builtin {
            // Alloy exports no processing-time histogram for `loki.process`; the
            // entry propagation latency (line timestamp to successful send) is
            // what a slow pipeline or a slow Loki shows up in.
            threshold: Some(10.0),
            expr: |c, t| {
                format!(
                    "histogram_quantile(0.99, sum by (namespace, le) (rate(loki_write_entry_propagation_latency_seconds_bucket{{job=\"{ALLOY_RELEASE}\", namespace=\"{}\"}}[5m]))) > {t}",
                    c.namespace
                )
            },
            summary: "Alloy delivers log lines to Loki slowly",
            description: "The 99th percentile of the time from a log line's timestamp to its delivery to Loki by Alloy in {{ $labels.namespace }} is {{ printf \"%.2f\" $value }}s.",
            ..alert("AlloySlowLogProcessing", "medium", "15m")
        },
    ]
}
