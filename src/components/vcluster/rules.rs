//! Built-in alerts about the operators in vCluster test environments.

use crate::compile::rules::builtin::{Builtin, Group, alert};

/// The alert groups the `vcluster` component ships.
pub static GROUPS: [Group; 1] = [Group {
    name: "operators",
    rules: operators,
}];

/// Operators in vCluster test environments (controller-runtime).
fn operators() -> Vec<Builtin> {
    vec![Builtin {
        threshold: Some(0.0),
        expr: |_, t| {
            format!(
                "sum without (instance, pod) (rate(controller_runtime_reconcile_errors_total[5m])) > {t}"
            )
        },
        summary: "An operator fails to reconcile",
        description: "Controller {{ $labels.controller }} ({{ $labels.job }}, namespace {{ $labels.namespace }}) reports {{ printf \"%.2f\" $value }} reconcile errors/s.",
        ..alert("OperatorReconcileErrors", "warning", "15m")
    }]
}
