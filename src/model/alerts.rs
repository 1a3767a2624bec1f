//! Alerting rules: the built-in groups o11yc ships and the user's own.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::Duration;

fn yes() -> bool {
    true
}

/// Prometheus alerting and recording rules, written as PrometheusRule objects.
/// Needs the `prometheus` component (kube-prometheus-stack brings the CRD).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Alerts {
    /// Set to `false` to ship no built-in rule groups (custom groups are still written).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Overrides for the built-in groups, keyed by group name: `alloy`, `loki`,
    /// `prometheus`, `storage`, `tempo`, `operators`. A group is only written
    /// when the components it watches are enabled.
    #[serde(default)]
    pub groups: BTreeMap<String, GroupOverride>,
    /// Rule groups of your own, each written as one PrometheusRule.
    #[serde(default)]
    pub custom: Vec<CustomGroup>,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts {
            enabled: true,
            groups: BTreeMap::new(),
            custom: Vec::new(),
        }
    }
}

/// Changes to one built-in group.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupOverride {
    /// Set to `false` to drop the whole group.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Overrides per alert, keyed by alert name (e.g. `AlloyHighMemoryUsage`).
    #[serde(default)]
    pub rules: BTreeMap<String, RuleOverride>,
}

/// Changes to one built-in alert.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleOverride {
    /// Set to `false` to drop the alert.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The alert's threshold, in the unit its description gives (percent, seconds, ...).
    /// Only for alerts that have one.
    #[serde(default)]
    pub threshold: Option<f64>,
    /// How long the condition must hold before the alert fires.
    #[serde(default, rename = "for")]
    pub for_: Option<Duration>,
    /// The `severity` label (`critical`, `high`, `warning`, `medium`, `info`, ...).
    #[serde(default)]
    pub severity: Option<String>,
}

/// A rule group of your own.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CustomGroup {
    /// Group name; also names the PrometheusRule (`o11yc-<name>`). A DNS label.
    pub name: String,
    /// How often the group is evaluated; Prometheus' global interval when omitted.
    #[serde(default)]
    pub interval: Option<Duration>,
    /// The rules, evaluated in order.
    pub rules: Vec<CustomRule>,
}

/// One alerting (`alert`) or recording (`record`) rule. Exactly one of the two is given.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CustomRule {
    /// Name of the alert.
    #[serde(default)]
    pub alert: Option<String>,
    /// Name of the recorded series (`level:metric:operations`).
    #[serde(default)]
    pub record: Option<String>,
    /// The PromQL expression; parsed when the profile is compiled.
    pub expr: String,
    /// How long the condition must hold before the alert fires (alerts only).
    #[serde(default, rename = "for")]
    pub for_: Option<Duration>,
    /// Labels added to the alert or series (e.g. `severity: warning`).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations (`summary`, `description`, `runbook_url`); alerts only.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

impl CustomRule {
    /// The alert or record name, for messages.
    pub fn name(&self) -> &str {
        self.alert
            .as_deref()
            .or(self.record.as_deref())
            .unwrap_or("<unnamed>")
    }
}
