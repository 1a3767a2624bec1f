//! How the generated tree reaches the cluster, and the charts it installs.

use schemars::JsonSchema;
use serde::Deserialize;

use super::Duration;

/// How the generated tree reaches the cluster.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Delivery {
    /// Flux objects or a helmfile. Plain objects always go through `kustomization.yaml`.
    pub mode: DeliveryMode,
    /// Flux settings (with `mode: flux`).
    #[serde(default)]
    pub flux: Option<FluxSettings>,
    /// The charts installed, each pinned to a version.
    #[serde(default)]
    pub charts: Charts,
}

/// The delivery mode.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum DeliveryMode {
    /// HelmRelease + HelmRepository/OCIRepository objects and a Flux Kustomization, all in `kustomization.yaml`.
    Flux,
    /// A `helmfile.yaml` with one values file per release, plus `kustomization.yaml` for plain objects.
    Helmfile,
}

/// Settings for Flux delivery.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FluxSettings {
    /// Path of the generated profile directory inside the Git repository Flux watches.
    pub path: String,
    /// The GitRepository source Flux reads the path from.
    #[serde(default = "default_git_repository")]
    pub git_repository: String,
    /// Namespace of the Flux objects that are not tied to a component.
    #[serde(default = "default_flux_namespace")]
    pub namespace: String,
    /// How often Flux reconciles.
    #[serde(default = "default_interval")]
    pub interval: Duration,
    /// Whether Flux deletes objects removed from the tree.
    #[serde(default = "default_prune")]
    pub prune: bool,
}

fn default_git_repository() -> String {
    "flux-system".to_owned()
}

fn default_flux_namespace() -> String {
    "flux-system".to_owned()
}

fn default_interval() -> Duration {
    Duration::from_secs(600)
}

fn default_prune() -> bool {
    true
}

/// Where a chart comes from.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// A classic Helm repository (`index.yaml` over HTTPS).
    Helm,
    /// An OCI registry.
    Oci,
}

/// One chart, pinned.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Chart {
    /// The exact chart version.
    pub version: String,
    /// Repository URL: `https://...` for a Helm repository, `oci://...` for an OCI registry
    /// (for OCI, the URL of the chart itself).
    pub repository: String,
}

impl Chart {
    fn new(version: &str, repository: &str) -> Self {
        Chart {
            version: version.to_owned(),
            repository: repository.to_owned(),
        }
    }

    /// Whether the chart comes from a Helm repository or an OCI registry.
    pub fn source_kind(&self) -> SourceKind {
        if self.repository.starts_with("oci://") {
            SourceKind::Oci
        } else {
            SourceKind::Helm
        }
    }
}

const GRAFANA_REPO: &str = "https://grafana.github.io/helm-charts";
/// Loki, Grafana and Tempo moved here from `grafana/helm-charts`, whose last
/// releases are deprecated (the `grafana/loki` chart there is now Enterprise Logs).
const GRAFANA_COMMUNITY_REPO: &str = "https://grafana-community.github.io/helm-charts";

/// The pinned charts. Defaults match the chart defaults o11yc's values are checked against.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Charts {
    /// grafana-community/loki.
    #[serde(default = "default_loki_chart")]
    pub loki: Chart,
    /// grafana-community/tempo.
    #[serde(default = "default_tempo_chart")]
    pub tempo: Chart,
    /// grafana/alloy.
    #[serde(default = "default_alloy_chart")]
    pub alloy: Chart,
    /// grafana-community/grafana.
    #[serde(default = "default_grafana_chart")]
    pub grafana: Chart,
    /// prometheus-community/kube-prometheus-stack.
    #[serde(default = "default_kps_chart")]
    pub kube_prometheus_stack: Chart,
}

fn default_loki_chart() -> Chart {
    Chart::new("18.11.0", GRAFANA_COMMUNITY_REPO)
}

fn default_tempo_chart() -> Chart {
    Chart::new("2.2.4", GRAFANA_COMMUNITY_REPO)
}

fn default_alloy_chart() -> Chart {
    Chart::new("1.11.1", GRAFANA_REPO)
}

fn default_grafana_chart() -> Chart {
    Chart::new("12.11.1", GRAFANA_COMMUNITY_REPO)
}

fn default_kps_chart() -> Chart {
    Chart::new(
        "88.5.3",
        "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
    )
}

impl Default for Charts {
    fn default() -> Self {
        Charts {
            loki: default_loki_chart(),
            tempo: default_tempo_chart(),
            alloy: default_alloy_chart(),
            grafana: default_grafana_chart(),
            kube_prometheus_stack: default_kps_chart(),
        }
    }
}
