//! The Prometheus stack's built-in alerts: Prometheus itself, and the stack's PersistentVolumes (which only Prometheus watches).

use crate::compile::rules::builtin::Context;
use crate::compile::rules::builtin::{Builtin, Group, alert};

/// The alert groups the `prometheus` component ships.
pub static GROUPS: [Group; 2] = [
    Group {
        name: "prometheus",
        rules: prometheus,
    },
    Group {
        name: "storage",
        rules: storage,
    },
];

/// Prometheus itself: scrapes and rule evaluation.
fn prometheus() -> Vec<Builtin> {
    vec![
        Builtin {
            expr: |_, _| "up == 0".to_owned(),
            summary: "A scrape target is down",
            description: "Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}, namespace {{ $labels.namespace }}).",
            ..alert("ScrapeTargetDown", "warning", "10m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |_, t| format!("increase(prometheus_rule_evaluation_failures_total[5m]) > {t}"),
            summary: "Prometheus fails to evaluate rules",
            description: "Prometheus {{ $labels.namespace }}/{{ $labels.pod }} failed to evaluate rules of {{ $labels.rule_group }}.",
            ..alert("PrometheusRuleEvaluationFailures", "critical", "15m")
        },
    ]
}

/// PersistentVolumes of the stack.
fn storage() -> Vec<Builtin> {
    vec![
        Builtin {
            threshold: Some(85.0),
            expr: |c, t| volume_used(c, t),
            summary: "A PersistentVolume of the stack is filling up",
            description: "Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ printf \"%.0f\" $value }}% full.",
            ..alert("PersistentVolumeFillingUp", "warning", "10m")
        },
        Builtin {
            threshold: Some(95.0),
            expr: |c, t| volume_used(c, t),
            summary: "A PersistentVolume of the stack is almost full",
            description: "Claim {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} is {{ printf \"%.0f\" $value }}% full.",
            ..alert("PersistentVolumeAlmostFull", "critical", "5m")
        },
    ]
}

fn volume_used(c: &Context, t: f64) -> String {
    format!(
        "100 * (1 - kubelet_volume_stats_available_bytes{{namespace=~\"{ns}\"}} / kubelet_volume_stats_capacity_bytes{{namespace=~\"{ns}\"}}) > {t}",
        ns = c.stack_namespaces
    )
}
