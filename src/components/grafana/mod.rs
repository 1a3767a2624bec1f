//! The `grafana` component.

pub mod values;
