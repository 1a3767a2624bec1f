//! Loki's dashboard: the log explorer.

use crate::compile::dashboards::log_names::LogNames;
use crate::compile::dashboards::model::Source;
use crate::compile::dashboards::{Entry, catalog, log_sources};

/// The dashboards the `loki` component ships.
pub static DASHBOARDS: [Entry; 1] = [Entry {
    uid: "logs-explorer",
    sources: &[Source::Loki],
    needs_alloy: false,
    build: |stack, collected| {
        let names = LogNames::of(stack);
        catalog::logs_explorer(&log_sources(collected, &names), &names)
    },
}];
