//! Loki's built-in alerts.

use crate::compile::rules::builtin::{Builtin, Group, alert};
use crate::resolve::stack::LOKI_RELEASE;

/// The alert groups the `loki` component ships.
pub static GROUPS: [Group; 1] = [Group {
    name: "loki",
    rules: loki,
}];

/// Loki's read and write paths.
fn loki() -> Vec<Builtin> {
    vec![
        Builtin {
            threshold: Some(5.0),
            expr: |c, t| {
                format!(
                    "100 * sum by (namespace, route) (rate(loki_request_duration_seconds_count{{job=\"{LOKI_RELEASE}\", namespace=\"{ns}\", status_code=~\"5..\"}}[5m])) / sum by (namespace, route) (rate(loki_request_duration_seconds_count{{job=\"{LOKI_RELEASE}\", namespace=\"{ns}\"}}[5m])) > {t}",
                    ns = c.namespace
                )
            },
            summary: "Loki answers requests with errors",
            description: "{{ printf \"%.1f\" $value }}% of Loki requests to {{ $labels.route }} in {{ $labels.namespace }} fail with a 5xx status.",
            ..alert("LokiRequestErrors", "warning", "15m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, reason) (rate(loki_discarded_samples_total{{job=\"{LOKI_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Loki discards log lines at ingestion",
            description: "Loki in {{ $labels.namespace }} discards {{ printf \"%.2f\" $value }} lines/s (reason: {{ $labels.reason }}).",
            ..alert("LokiDiscardedSamples", "warning", "15m")
        },
    ]
}
