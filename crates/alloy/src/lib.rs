//! The Grafana Alloy configuration language.
