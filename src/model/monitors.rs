//! Scrape targets of your own: ServiceMonitors and PodMonitors.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::Duration;

/// A workload for Prometheus to scrape, written as a ServiceMonitor or PodMonitor
/// carrying the labels the profile's Prometheus selects. Needs the `prometheus` component.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Monitor {
    /// Name of the monitor object (a DNS label).
    pub name: String,
    /// Namespace of the monitor and of the workload it selects.
    pub namespace: String,
    /// What is selected: Services (`service`, the default) or Pods (`pod`).
    #[serde(default)]
    pub kind: MonitorKind,
    /// Labels of the Services or Pods to scrape (`matchLabels`).
    pub selector: BTreeMap<String, String>,
    /// Name of the port that serves metrics.
    pub port: String,
    /// HTTP path of the metrics.
    #[serde(default = "default_path")]
    pub path: String,
    /// Scrape interval; Prometheus' `scrapeInterval` when omitted.
    #[serde(default)]
    pub interval: Option<Duration>,
    /// Extra labels on the monitor object. The labels Prometheus selects
    /// monitors by are added for you; giving one of them another value is an error.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// The kind of monitor.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum MonitorKind {
    /// A ServiceMonitor: scrape the endpoints of matching Services.
    #[default]
    Service,
    /// A PodMonitor: scrape matching Pods directly.
    Pod,
}

fn default_path() -> String {
    "/metrics".to_owned()
}
