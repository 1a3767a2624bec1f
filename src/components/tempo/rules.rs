//! Tempo's built-in alerts.

use crate::compile::rules::builtin::{Builtin, Group, alert};
use crate::resolve::stack::TEMPO_RELEASE;

/// The alert groups the `tempo` component ships.
pub static GROUPS: [Group; 1] = [Group {
    name: "tempo",
    rules: tempo,
}];

/// Tempo's ingestion.
fn tempo() -> Vec<Builtin> {
    vec![
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, reason) (rate(tempo_discarded_spans_total{{job=\"{TEMPO_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Tempo discards spans",
            description: "Tempo in {{ $labels.namespace }} discards {{ printf \"%.2f\" $value }} spans/s (reason: {{ $labels.reason }}).",
            ..alert("TempoDiscardedSpans", "warning", "15m")
        },
        Builtin {
            threshold: Some(0.0),
            expr: |c, t| {
                format!(
                    "sum by (namespace, receiver) (rate(tempo_receiver_refused_spans{{job=\"{TEMPO_RELEASE}\", namespace=\"{}\"}}[5m])) > {t}",
                    c.namespace
                )
            },
            summary: "Tempo refuses incoming spans",
            description: "Tempo's {{ $labels.receiver }} receiver in {{ $labels.namespace }} refuses {{ printf \"%.2f\" $value }} spans/s.",
            ..alert("TempoIngestionFailures", "warning", "15m")
        },
    ]
}
