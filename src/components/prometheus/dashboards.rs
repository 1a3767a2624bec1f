//! The Prometheus stack's dashboards: a namespace's metrics and logs side by side, and
//! the cluster's health.

use crate::compile::dashboards::log_names::LogNames;
use crate::compile::dashboards::model::Source;
use crate::compile::dashboards::{Entry, catalog, line_format};
use crate::verify::collected::run_label_names;

/// The dashboards the `prometheus` component ships.
pub static DASHBOARDS: [Entry; 2] = [
    Entry {
        uid: "kaiwo-namespace-debug",
        sources: &[Source::Prometheus, Source::Loki],
        needs_alloy: false,
        build: |stack, _| catalog::namespace_debug(line_format(stack), &LogNames::of(stack)),
    },
    Entry {
        uid: "kaiwo-cluster-health",
        sources: &[Source::Prometheus],
        needs_alloy: false,
        build: |stack, _| catalog::cluster_health(&run_label_names(stack)),
    },
];
