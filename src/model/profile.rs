//! The root of a profile.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{
    Alerts, Alloy, Dashboards, Delivery, Grafana, Loki, Monitor, Node, PrometheusStack, Tempo,
    VCluster,
};

/// One deployment of the observability stack, compiled to `generated/<profile>/`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Profile {
    /// Another profile this one starts from: a profile name in the same directory
    /// (`dev`) or a relative path (`../base.yaml`). Mappings merge key by key,
    /// lists and scalars replace the base's value.
    // Never read: the loader merges the `extends` chain and removes the key before
    // deserializing; the field is here so the JSON Schema documents and accepts it.
    #[allow(dead_code)]
    #[serde(default)]
    pub extends: Option<String>,
    /// A sentence about what this profile deploys; shown in the generated README.
    #[serde(default)]
    pub description: Option<String>,
    /// What the stack is for; production-only safety checks depend on it.
    #[serde(default)]
    pub environment: Environment,
    /// Risks accepted on purpose. With `environment: production` each of them
    /// is an error unless listed here: `insecureObjectStorage` (an object
    /// store with `insecure: true`), `insecureSkipVerify` (a scrape target
    /// that skips TLS verification), `missingResourceLimits` (a deployed
    /// component without `placement.resources.limits.memory`).
    #[serde(default)]
    pub acknowledge: Vec<Risk>,
    /// The cluster the stack runs in.
    pub cluster: Cluster,
    /// The namespace the stack components run in unless a component sets its own.
    pub namespace: String,
    /// Labels and annotations for the namespaces o11yc creates, keyed by namespace name.
    #[serde(default)]
    pub namespaces: BTreeMap<String, NamespaceSettings>,
    /// How the generated tree reaches the cluster: Flux objects or a helmfile.
    pub delivery: Delivery,
    /// Grafana Loki, the log store.
    #[serde(default)]
    pub loki: Option<Loki>,
    /// Grafana Tempo, the trace store.
    #[serde(default)]
    pub tempo: Option<Tempo>,
    /// kube-prometheus-stack: Prometheus, Alertmanager, kube-state-metrics, node-exporter.
    #[serde(default)]
    pub prometheus: Option<PrometheusStack>,
    /// Grafana, standalone or as part of kube-prometheus-stack.
    #[serde(default)]
    pub grafana: Option<Grafana>,
    /// Grafana Alloy, the collector.
    #[serde(default)]
    pub alloy: Option<Alloy>,
    /// vCluster test environments observed by this stack.
    #[serde(default)]
    pub vcluster: Option<VCluster>,
    /// Alerting rules: overrides of the built-in groups and rule groups of your own.
    #[serde(default)]
    pub alerts: Alerts,
    /// Extra workloads for Prometheus to scrape (operators, your applications).
    #[serde(default)]
    pub monitors: Vec<Monitor>,
    /// Which Grafana dashboards to ship.
    #[serde(default)]
    pub dashboards: Dashboards,
}

/// A production risk a profile accepts on purpose (see `acknowledge`).
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Risk {
    /// Object storage reached over plain HTTP (`objectStore.insecure: true`).
    InsecureObjectStorage,
    /// A scrape target with `insecureSkipVerify: true`.
    InsecureSkipVerify,
    /// A deployed component without a memory limit.
    MissingResourceLimits,
    /// A replicated workload with `spread: none`: every replica may run on one node.
    UnspreadReplicas,
    /// Prometheus remote-writes to an `http://` endpoint: samples (and any
    /// credentials) travel in plain text.
    InsecureRemoteWrite,
}

/// What a stack is for.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Environment {
    /// A developer's or homelab cluster: insecure conveniences are allowed.
    Development,
    /// Short-lived test clusters (CI).
    Test,
    /// Anything people rely on. The default.
    #[default]
    Production,
}

/// The cluster the stack runs in.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cluster {
    /// A short name, added as the `cluster` label to collected telemetry.
    pub name: String,
    /// The cluster DNS domain used in service addresses.
    #[serde(default = "default_domain")]
    pub domain: String,
    /// The nodes o11yc needs to know about (for hostPath volumes and placement
    /// checks). When given, node selectors, tolerations and volume nodes are
    /// checked against them.
    #[serde(default)]
    pub nodes: Vec<Node>,
}

fn default_domain() -> String {
    "cluster.local".to_owned()
}

/// Extra metadata for a namespace o11yc creates.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NamespaceSettings {
    /// Labels, e.g. `istio-injection: disabled`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations, e.g. `kustomize.toolkit.fluxcd.io/prune: disabled`.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}
