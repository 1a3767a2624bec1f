//! One module per deployable component.

pub mod alloy;
pub mod grafana;
pub mod loki;
pub mod prometheus;
pub mod tempo;
pub mod vcluster;
