//! vCluster test environments: namespace naming and the API audit policy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::Alloy;

fn yes() -> bool {
    true
}

/// Settings for stacks that observe vCluster test environments.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VCluster {
    /// How host namespaces of test vClusters are named. `{placeholders}` become
    /// labels extracted from the namespace, e.g. `test-{installer}-{run_id}-{run_attempt}`
    /// or, for KAIWO, `kaiwo-test-{github_run_id}-{github_run_attempt}-{installer}`.
    pub namespace_format: String,
    /// Regular expressions (RE2) for placeholders of `namespaceFormat` whose values
    /// may contain `-`. Defaults: names ending in `attempt` match `[0-9]+`, names ending
    /// in `run_id` match `.+`, everything else `[^-]+`.
    #[serde(default)]
    pub label_patterns: BTreeMap<String, String>,
    /// Also label telemetry with the whole host namespace under this label name
    /// (KAIWO uses `vcluster_namespace`). Off by default: the run labels identify it.
    #[serde(default)]
    pub namespace_label: Option<String>,
    /// The audit policy ConfigMap applied to each vCluster namespace before the vCluster starts.
    #[serde(default)]
    pub audit_policy: AuditPolicy,
    /// The Alloy installed inside each vCluster. It collects what only the virtual
    /// cluster sees (its events, its API audit webhook, its operators) and writes to
    /// the host stack's Loki and Prometheus. Its files go to `vcluster/alloy/`.
    #[serde(default)]
    pub alloy: Option<Alloy>,
}

/// The Kubernetes API audit policy for vClusters.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuditPolicy {
    /// Whether to generate the policy.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Name of the ConfigMap the vCluster values refer to.
    #[serde(default = "default_config_map_name")]
    pub config_map_name: String,
    /// Resources whose request and response bodies are logged; everything else
    /// is logged at Metadata level, lists, watches and events not at all.
    #[serde(default = "default_request_response")]
    pub request_response: Vec<AuditResources>,
}

impl Default for AuditPolicy {
    fn default() -> Self {
        AuditPolicy {
            enabled: true,
            config_map_name: default_config_map_name(),
            request_response: default_request_response(),
        }
    }
}

/// Resources of one API group.
#[derive(Clone, Debug, Deserialize, JsonSchema, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuditResources {
    /// API group; empty for the core group.
    #[serde(default)]
    pub group: String,
    /// Resource names (plural, lower case), e.g. `configmaps`.
    pub resources: Vec<String>,
}

fn default_config_map_name() -> String {
    "vcluster-audit-policy".to_owned()
}

fn default_request_response() -> Vec<AuditResources> {
    vec![AuditResources {
        group: String::new(),
        resources: vec!["configmaps".to_owned(), "pods".to_owned()],
    }]
}
