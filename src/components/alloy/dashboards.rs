//! Alloy's dashboard: the collector's health.

use crate::compile::dashboards::model::Source;
use crate::compile::dashboards::{Entry, catalog};

/// The dashboards the `alloy` component ships.
pub static DASHBOARDS: [Entry; 1] = [Entry {
    uid: "alloy-health",
    sources: &[Source::Prometheus],
    needs_alloy: true,
    build: |stack, _| catalog::alloy_health(stack.alloy().map_or("", |a| stack.namespace_of(a))),
}];
