//! The dashboards o11yc ships. Every log stream has `cluster` and the source
//! label ([`LogNames`]: `source="pod_log"` and so on, unless the profile
//! renames the label or its values); pod logs also `namespace`, `container`,
//! `app`, `job`, `level` and `node`; events `namespace`. Fields of the line (`| json`) depend on
//! [`LineFormat`]. The query linker (`crate::verify`) leaves out panels whose
//! data a profile does not collect.

use super::log_names::LogNames;
use super::model::{Builder, Dashboard, PanelKind, Source, Variable, q};
use crate::resolve::stack::ALLOY_RELEASE;

const P: Source = Source::Prometheus;
const L: Source = Source::Loki;

/// Every log query's cluster matcher.
const CLUSTER: &str = r#"cluster="$cluster""#;
/// The pod and event log queries' namespace matcher.
const NAMESPACE: &str = r#"namespace="$namespace""#;

/// How log lines are written, which decides the fields `| json` finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineFormat {
    /// `alloy.logs.unifiedSchema`: `{source, level, action, message, object{...}, ...}`.
    Unified,
    /// As the source writes them (Alloy's event JSON, the API server's audit JSON).
    Native,
}

/// KAIWO namespace debugging: logs, events, pod phases, usage and API audit of one namespace.
pub fn namespace_debug(format: LineFormat, names: &LogNames) -> Dashboard {
    let events = selector(&[CLUSTER, &names.is(&names.k8s_event), NAMESPACE]);
    let audit = selector(&[CLUSTER, &names.is(&names.k8s_audit_log)]);
    let pods = names.is(&names.pod_log);
    let (events, audit) = match format {
        LineFormat::Unified => (
            events + r#" | json | line_format "{{.object_kind}}/{{.object_name}}: {{.message}}""#,
            audit
                + r#" | json | object_namespace = "$namespace" | line_format "{{.action}} {{.object_kind}}/{{.object_name}}: {{.message}}""#,
        ),
        // Alloy's `loki.source.kubernetes_events` JSON (`kind`, `name`, `msg`) with
        // the namespace as a stream label; the audit.k8s.io Event as the API server writes it.
        LineFormat::Native => (
            events + r#" | json | line_format "{{.kind}}/{{.name}}: {{.msg}}""#,
            audit
                + r#" | json | objectRef_namespace = "$namespace" | line_format "{{.verb}} {{.objectRef_resource}}/{{.objectRef_name}} by {{.user_username}}""#,
        ),
    };
    Builder::new("kaiwo-namespace-debug", "KAIWO Namespace Debug", vec!["o11yc", "kaiwo", "logs"])
        .variable(Variable::datasource(P, "Prometheus"))
        .variable(Variable::datasource(L, "Loki"))
        .variable(Variable::query(L, "cluster", "Cluster", "label_values(cluster)".to_owned()))
        .variable(Variable::query(
            L,
            "namespace",
            "Namespace",
            format!("label_values({}, namespace)", selector(&[CLUSTER, &pods])),
        ))
        .variable(Variable::textbox("search", "Search logs"))
        .panel(PanelKind::Logs, "Pod logs", L, None, (24, 10), vec![q(
            selector(&[CLUSTER, &pods, NAMESPACE]) + r#" |~ "(?i)$search""#,
            "",
        )])
        .panel(PanelKind::Logs, "Kubernetes events", L, None, (24, 8), vec![q(events, "")])
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
        .panel(PanelKind::Logs, "API audit log", L, None, (24, 10), vec![q(audit, "")])
        .build()
}

/// `metric{matchers}`, or `metric` without matchers.
fn series(metric: &str, matchers: &[String]) -> String {
    if matchers.is_empty() {
        metric.to_owned()
    } else {
        format!("{metric}{{{}}}", matchers.join(", "))
    }
}

/// KAIWO cluster health: nodes, pods, usage per node and GPU utilisation.
/// With `run_labels` (the vCluster run labels, e.g. `vcluster_namespace`), a
/// variable per label filters the kube-state-metrics panels to one test run,
/// so the vClusters are not summed together.
pub fn cluster_health(run_labels: &[String]) -> Dashboard {
    let run: Vec<String> = run_labels
        .iter()
        .map(|l| format!("{l}=~\"${l}\""))
        .collect();
    let with = |extra: &str| -> Vec<String> {
        let mut m: Vec<String> = (!extra.is_empty())
            .then(|| extra.to_owned())
            .into_iter()
            .collect();
        m.extend(run.iter().cloned());
        m
    };
    let mut builder = Builder::new(
        "kaiwo-cluster-health",
        "KAIWO Cluster Health",
        vec!["o11yc", "kaiwo", "cluster"],
    )
    .variable(Variable::datasource(P, "Prometheus"));
    for label in run_labels {
        builder = builder.variable(
            Variable::query(
                P,
                label.as_str(),
                label.as_str(),
                format!("label_values(kube_pod_info, {label})"),
            )
            .multi_all(),
        );
    }
    builder
    .panel(
        PanelKind::Stat,
        "Nodes",
        P,
        None,
        (6, 4),
        vec![q(format!("count({})", series("kube_node_info", &with(""))), "")],
    )
    .panel(
        PanelKind::Stat,
        "Pods",
        P,
        None,
        (6, 4),
        vec![q(format!("count({})", series("kube_pod_info", &with(""))), "")],
    )
    .panel(
        PanelKind::Stat,
        "Failed pods",
        P,
        None,
        (6, 4),
        vec![q(
            format!(
                "sum({})",
                series("kube_pod_status_phase", &with(r#"phase="Failed""#))
            ),
            "",
        )],
    )
    .panel(
        PanelKind::Stat,
        "Pending pods",
        P,
        None,
        (6, 4),
        vec![q(
            format!(
                "sum({})",
                series("kube_pod_status_phase", &with(r#"phase="Pending""#))
            ),
            "",
        )],
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
        vec![q(
            format!("count by (node) ({})", series("kube_pod_info", &with(""))),
            "{{node}}",
        )],
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
        .panel(PanelKind::Timeseries, "Log delivery latency p99", P, Some("s"), (12, 8), vec![q(
            format!(r#"histogram_quantile(0.99, sum by (le, pod) (rate(loki_write_entry_propagation_latency_seconds_bucket{{job="{job}"}}[$__rate_interval])))"#),
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

/// The log sources the profile collects (`sources`, the source label's values),
/// filtered by cluster, source, namespace, level and text.
pub fn logs_explorer(sources: &[String], names: &LogNames) -> Dashboard {
    let label = &names.label;
    let pods = names.is(&names.pod_log);
    let chosen = selector(&[
        CLUSTER,
        &format!(r#"{label}=~"$source""#),
        r#"namespace=~"$namespace""#,
        r#"level=~"$level""#,
    ]);
    Builder::new("logs-explorer", "Logs Explorer", vec!["o11yc", "logs"])
        .variable(Variable::datasource(L, "Loki"))
        .variable(Variable::query(
            L,
            "cluster",
            "Cluster",
            "label_values(cluster)".to_owned(),
        ))
        .variable(Variable::custom("source", "Source", sources))
        .variable(
            Variable::query(
                L,
                "namespace",
                "Namespace",
                format!("label_values({}, namespace)", selector(&[CLUSTER, &pods])),
            )
            .multi_all(),
        )
        .variable(Variable::custom(
            "level",
            "Level",
            &["error", "warning", "info", "debug"],
        ))
        .variable(Variable::textbox("search", "Search"))
        .panel(
            PanelKind::Timeseries,
            "Log lines by source",
            L,
            None,
            (12, 8),
            vec![q(
                format!(
                    r#"sum by ({label}) (count_over_time({chosen} |~ "(?i)$search" [$__auto]))"#
                ),
                format!("{{{{{label}}}}}"),
            )],
        )
        .panel(
            PanelKind::Timeseries,
            "Errors by namespace",
            L,
            None,
            (12, 8),
            vec![q(
                format!(
                    "sum by (namespace) (count_over_time({} [$__auto]))",
                    selector(&[CLUSTER, &pods, r#"level="error""#])
                ),
                "{{namespace}}",
            )],
        )
        .panel(
            PanelKind::Logs,
            "Logs",
            L,
            None,
            (24, 14),
            vec![q(format!(r#"{chosen} |~ "(?i)$search""#), "")],
        )
        .build()
}

/// The stream selector of a log query: `{a="x", b="y"}`.
fn selector(matchers: &[&str]) -> String {
    format!("{{{}}}", matchers.join(", "))
}
