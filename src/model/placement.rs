//! Where workloads run: nodes, selectors, tolerations and resources.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A cluster node that o11yc places volumes or workloads on.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Node {
    /// The node name, i.e. its `kubernetes.io/hostname` label.
    pub name: String,
    /// The node's labels that matter for node selectors.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The node's taints.
    #[serde(default)]
    pub taints: Vec<Taint>,
}

/// A node taint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Taint {
    /// Taint key, e.g. `heavy`.
    pub key: String,
    /// Taint value, e.g. `"true"`.
    #[serde(default)]
    pub value: Option<String>,
    /// Taint effect.
    pub effect: TaintEffect,
}

/// The effect of a taint, as Kubernetes spells it.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
pub enum TaintEffect {
    /// Pods without a toleration are not scheduled.
    NoSchedule,
    /// The scheduler avoids the node.
    PreferNoSchedule,
    /// Running pods without a toleration are evicted.
    NoExecute,
}

/// Scheduling and sizing of one workload.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Placement {
    /// Node labels the pods must match.
    #[serde(default)]
    pub node_selector: BTreeMap<String, String>,
    /// Taints the pods tolerate.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// CPU and memory requests and limits.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// How the replicas of a workload with more than one are spread over
    /// the cluster: `hostname` (default), `zone` or `none`.
    #[serde(default)]
    pub spread: Spread,
}

/// How the pods of a replicated workload are spread, as topology spread
/// constraints o11yc writes (they replace the charts' own anti-affinity).
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Spread {
    /// At most one pod more on any node than on another (`kubernetes.io/hostname`);
    /// pods stay pending rather than pile up on one node.
    #[default]
    Hostname,
    /// At most one pod more in any zone than in another
    /// (`topology.kubernetes.io/zone`), and spread over nodes within a zone
    /// where possible.
    Zone,
    /// No constraint: the scheduler may put every replica on one node.
    None,
}

/// A toleration. With `value` the operator is `Equal`, without it `Exists`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toleration {
    /// The taint key tolerated.
    pub key: String,
    /// The taint value tolerated; omit to tolerate any value.
    #[serde(default)]
    pub value: Option<String>,
    /// The taint effect tolerated; omit to tolerate every effect.
    #[serde(default)]
    pub effect: Option<TaintEffect>,
}

/// Requests and limits, as Kubernetes quantities (`500m`, `1Gi`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Resources {
    /// What the scheduler reserves.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<ResourceName, String>,
    /// The most the container may use.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<ResourceName, String>,
}

/// A resource o11yc sizes.
#[derive(
    Clone, Copy, Debug, Deserialize, Serialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum ResourceName {
    /// CPU cores (`500m`, `2`).
    Cpu,
    /// Memory (`512Mi`, `4Gi`).
    Memory,
}
