//! Typed specs of the Prometheus Operator resources o11yc writes
//! (monitoring.coreos.com/v1): PrometheusRule, ServiceMonitor and PodMonitor.
//!
//! Only the fields o11yc sets are modelled; the CRDs in
//! `../shared/conformance/crds/crd-{prometheusrules,servicemonitors,podmonitors}.yaml`
//! are the reference.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;

/// API version of the Prometheus Operator resources.
pub const MONITORING_V1: &str = "monitoring.coreos.com/v1";

/// `spec` of a `PrometheusRule`.
#[derive(Clone, Debug, Serialize)]
pub struct PrometheusRuleSpec {
    /// Rule groups.
    pub groups: Vec<RuleGroup>,
}

/// One rule group: evaluated together, in order.
#[derive(Clone, Debug, Serialize)]
pub struct RuleGroup {
    /// Group name, unique in the PrometheusRule.
    pub name: String,
    /// Evaluation interval; Prometheus' global one when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// An alerting or recording rule.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    /// Alert name (alerting rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// Series name (recording rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// PromQL expression.
    pub expr: String,
    /// How long the condition must hold.
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// Labels added to alerts or series.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations of alerts.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// `spec` of a `ServiceMonitor`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// The Service label whose value becomes the `job` label (the Service
    /// name when omitted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_label: Option<String>,
    /// Services to scrape, in the monitor's namespace.
    pub selector: LabelSelector,
    /// Endpoints (Service ports) to scrape.
    pub endpoints: Vec<Endpoint>,
}

/// `spec` of a `PodMonitor`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// Pods to scrape, in the monitor's namespace.
    pub selector: LabelSelector,
    /// Container ports to scrape.
    pub pod_metrics_endpoints: Vec<Endpoint>,
}

/// A scrape endpoint of a ServiceMonitor or PodMonitor.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// Port name.
    pub port: String,
    /// HTTP path.
    pub path: String,
    /// Scrape interval; Prometheus' default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
}
