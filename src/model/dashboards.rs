//! Which Grafana dashboards a profile ships.

use schemars::JsonSchema;
use serde::Deserialize;

/// Grafana dashboards, shipped as ConfigMaps for Grafana's sidecar and as JSON files.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Dashboards {
    /// The dashboards to ship, by uid: `kaiwo-namespace-debug`, `kaiwo-cluster-health`,
    /// `alloy-health`, `logs-explorer`. When omitted: every dashboard whose
    /// datasources (Prometheus, Loki) the profile deploys, without the panels
    /// whose data the profile does not collect. A dashboard listed here is
    /// shipped whole: a panel whose data is not collected is an error. `[]` ships none.
    #[serde(default)]
    pub include: Option<Vec<String>>,
}
