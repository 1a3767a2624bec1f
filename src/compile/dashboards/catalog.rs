//! The dashboards o11yc ships. Log queries follow the unified log schema: every
//! stream has `cluster` and `source` labels; pod logs also `namespace`,
//! `container`, `app`, `job`, `level` and `node`; `pod` and the `object` of
//! events and audit records are JSON fields of the line, read with `| json`.

use super::model::{Builder, Dashboard, PanelKind, Source, Variable, q};
use crate::compile::stack::ALLOY_RELEASE;

const P: Source = Source::Prometheus;
const L: Source = Source::Loki;

/// KAIWO namespace debugging: logs, events, pod phases, usage and API audit of one namespace.
pub fn namespace_debug() -> Dashboard {
    Builder::new("kaiwo-namespace-debug", "KAIWO Namespace Debug", vec!["o11yc", "kaiwo", "logs"])
        .variable(Variable::datasource(P, "Prometheus"))
        .variable(Variable::datasource(L, "Loki"))
        .variable(Variable::query(L, "cluster", "Cluster", "label_values(cluster)".to_owned()))
        .variable(Variable::query(
            L,
            "namespace",
            "Namespace",
            r#"label_values({cluster="$cluster", source="pod_log"}, namespace)"#.to_owned(),
        ))
        .variable(Variable::textbox("search", "Search logs"))
        .panel(PanelKind::Logs, "Pod logs", L, None, (24, 10), vec![q(
            r#"{cluster="$cluster", source="pod_log", namespace="$namespace"} |~ "(?i)$search""#,
            "",
        )])
        .panel(PanelKind::Logs, "Kubernetes events", L, None, (24, 8), vec![q(
            r#"{cluster="$cluster", source="k8s_event"} | json | object_namespace = "$namespace" | line_format "{{.object_kind}}/{{.object_name}}: {{.message}}""#,
            "",
        )])
        .panel(PanelKind::StateTimeline, "Pod status", P, None, (24, 8), vec![q(
            r#"sum by (pod, phase) (kube_pod_status_phase{namespace="$namespace"}) > 0"#,
            "{{pod}} {{phase}}",
        )])
        .panel(PanelKind::Timeseries, "CPU per pod", P, Some("short"), (12, 8), vec![q(
            r#"sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="$namespace", container!=""}[$__rate_interval]))"#,
            "{{pod}}",
        )])
        .panel(PanelKind::Timeseries, "Memory per pod", P, Some("bytes"), (12, 8), vec![q(
            r#"sum by (pod) (container_memory_working_set_bytes{namespace="$namespace", container!=""})"#,
            "{{pod}}",
        )])
        .panel(PanelKind::Logs, "API audit log", L, None, (24, 10), vec![q(
            r#"{cluster="$cluster", source="k8s_audit_log"} | json | object_namespace = "$namespace" | line_format "{{.action}} {{.object_kind}}/{{.object_name}}: {{.message}}""#,
            "",
        )])
        .build()
}

/// KAIWO cluster health: nodes, pods, usage per node and GPU utilisation.
pub fn cluster_health() -> Dashboard {
    Builder::new(
        "kaiwo-cluster-health",
        "KAIWO Cluster Health",
        vec!["o11yc", "kaiwo", "cluster"],
    )
    .variable(Variable::datasource(P, "Prometheus"))
    .panel(
        PanelKind::Stat,
        "Nodes",
        P,
        None,
        (6, 4),
        vec![q("count(kube_node_info)", "")],
    )
    .panel(
        PanelKind::Stat,
        "Pods",
        P,
        None,
        (6, 4),
        vec![q("count(kube_pod_info)", "")],
    )
    .panel(
        PanelKind::Stat,
        "Failed pods",
        P,
        None,
        (6, 4),
        vec![q(r#"sum(kube_pod_status_phase{phase="Failed"})"#, "")],
    )
    .panel(
        PanelKind::Stat,
        "Pending pods",
        P,
        None,
        (6, 4),
        vec![q(r#"sum(kube_pod_status_phase{phase="Pending"})"#, "")],
    )
    .panel(
        PanelKind::Timeseries,
        "CPU per node",
        P,
        Some("short"),
        (12, 8),
        vec![q(
            r#"sum by (node) (rate(container_cpu_usage_seconds_total{id="/"}[$__rate_interval]))"#,
            "{{node}}",
        )],
    )
    .panel(
        PanelKind::Timeseries,
        "Memory per node",
        P,
        Some("bytes"),
        (12, 8),
        vec![q(
            r#"sum by (node) (container_memory_working_set_bytes{id="/"})"#,
            "{{node}}",
        )],
    )
    .panel(
        PanelKind::Timeseries,
        "Pods per node",
        P,
        None,
        (24, 8),
        vec![q("count by (node) (kube_pod_info)", "{{node}}")],
    )
    .panel(
        PanelKind::Timeseries,
        "GPU utilisation (NVIDIA)",
        P,
        Some("percent"),
        (12, 8),
        vec![q(
            "avg by (Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL)",
            "{{Hostname}} GPU {{gpu}}",
        )],
    )
    .panel(
        PanelKind::Timeseries,
        "GPU utilisation (AMD)",
        P,
        Some("percent"),
        (12, 8),
        vec![q(
            "avg by (hostname, gpu_id) (gpu_gfx_activity)",
            "{{hostname}} GPU {{gpu_id}}",
        )],
    )
    .build()
}

/// Alloy's health: pods, log delivery, processing latency and resources.
pub fn alloy_health(namespace: &str) -> Dashboard {
    let job = ALLOY_RELEASE;
    Builder::new("alloy-health", "Alloy Health", vec!["o11yc", "alloy"])
        .variable(Variable::datasource(P, "Prometheus"))
        .panel(PanelKind::Stat, "Ready pods", P, None, (8, 4), vec![q(
            format!(r#"sum(kube_pod_status_ready{{namespace="{namespace}", pod=~"{job}-.+", condition="true"}})"#),
            "",
        )])
        .panel(PanelKind::Stat, "Restarts (1h)", P, None, (8, 4), vec![q(
            format!(r#"sum(increase(kube_pod_container_status_restarts_total{{namespace="{namespace}", container="{job}"}}[1h]))"#),
            "",
        )])
        .panel(PanelKind::Stat, "Dropped log bytes/s", P, Some("Bps"), (8, 4), vec![q(
            format!(r#"sum(rate(loki_write_dropped_bytes_total{{job="{job}"}}[$__rate_interval]))"#),
            "",
        )])
        .panel(PanelKind::Timeseries, "Logs sent to Loki", P, Some("Bps"), (12, 8), vec![
            q(format!(r#"sum by (pod) (rate(loki_write_sent_bytes_total{{job="{job}"}}[$__rate_interval]))"#), "sent {{pod}}"),
            q(format!(r#"sum by (pod) (rate(loki_write_dropped_bytes_total{{job="{job}"}}[$__rate_interval]))"#), "dropped {{pod}}"),
        ])
        .panel(PanelKind::Timeseries, "Log processing p99", P, Some("s"), (12, 8), vec![q(
            format!(r#"histogram_quantile(0.99, sum by (le, pod) (rate(loki_process_duration_seconds_bucket{{job="{job}"}}[$__rate_interval])))"#),
            "{{pod}}",
        )])
        .panel(PanelKind::Timeseries, "Memory per pod", P, Some("bytes"), (12, 8), vec![q(
            format!(r#"sum by (pod) (container_memory_working_set_bytes{{namespace="{namespace}", container="{job}"}})"#),
            "{{pod}}",
        )])
        .panel(PanelKind::Timeseries, "CPU per pod", P, Some("short"), (12, 8), vec![q(
            format!(r#"sum by (pod) (rate(container_cpu_usage_seconds_total{{namespace="{namespace}", container="{job}"}}[$__rate_interval]))"#),
            "{{pod}}",
        )])
        .build()
}

/// Every log source of the unified schema, filtered by cluster, source, namespace, level and text.
pub fn logs_explorer() -> Dashboard {
    const SELECTOR: &str =
        r#"{cluster="$cluster", source=~"$source", namespace=~"$namespace", level=~"$level"}"#;
    Builder::new("logs-explorer", "Logs Explorer", vec!["o11yc", "logs"])
        .variable(Variable::datasource(L, "Loki"))
        .variable(Variable::query(L, "cluster", "Cluster", "label_values(cluster)".to_owned()))
        .variable(Variable::custom(
            "source",
            "Source",
            &["pod_log", "k8s_event", "k8s_audit_log", "journal", "rke2"],
        ))
        .variable(
            Variable::query(
                L,
                "namespace",
                "Namespace",
                r#"label_values({cluster="$cluster", source="pod_log"}, namespace)"#.to_owned(),
            )
            .multi_all(),
        )
        .variable(Variable::custom("level", "Level", &["error", "warning", "info", "debug"]))
        .variable(Variable::textbox("search", "Search"))
        .panel(PanelKind::Timeseries, "Log lines by source", L, None, (12, 8), vec![q(
            format!(r#"sum by (source) (count_over_time({SELECTOR} |~ "(?i)$search" [$__auto]))"#),
            "{{source}}",
        )])
        .panel(PanelKind::Timeseries, "Errors by namespace", L, None, (12, 8), vec![q(
            r#"sum by (namespace) (count_over_time({cluster="$cluster", source="pod_log", level="error"} [$__auto]))"#,
            "{{namespace}}",
        )])
        .panel(PanelKind::Logs, "Logs", L, None, (24, 14), vec![q(
            format!(r#"{SELECTOR} |~ "(?i)$search""#),
            "",
        )])
        .build()
}
