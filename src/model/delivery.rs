//! How the generated tree reaches the cluster, and the charts it installs.

use std::sync::LazyLock;

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
    /// How often the helm-controller reconciles each HelmRelease (drift detection,
    /// retries). Default `1m`, as in the reference Flux deployment.
    #[serde(default = "default_release_interval")]
    pub release_interval: Duration,
    /// A PodMonitor for the Flux controllers in `namespace` (with `prometheus` only).
    #[serde(default = "default_prune")]
    pub pod_monitor: bool,
    /// Flux event notifications (a Provider and an Alert); none when omitted.
    #[serde(default)]
    pub notifications: Option<FluxNotifications>,
}

/// Flux event notifications: a notification-controller Provider and an Alert on
/// every Flux object o11yc generates.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FluxNotifications {
    /// The Provider type.
    pub provider: NotificationProvider,
    /// An existing Secret in the Flux namespace with what the provider needs
    /// (`address` for a webhook URL, `token` for an API token). o11yc never writes it.
    pub secret_name: String,
    /// Channel, room or topic, for providers that have one.
    #[serde(default)]
    pub channel: Option<String>,
    /// `info` (every event) or `error` (failures only).
    #[serde(default)]
    pub severity: EventSeverity,
}

/// A Flux notification-controller Provider type.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NotificationProvider {
    /// Slack (incoming webhook or bot token).
    Slack,
    /// Discord webhook.
    Discord,
    /// Microsoft Teams.
    Msteams,
    /// Google Chat.
    Googlechat,
    /// Rocket.Chat.
    Rocket,
    /// Webex.
    Webex,
    /// Telegram.
    Telegram,
    /// Matrix.
    Matrix,
    /// Opsgenie.
    Opsgenie,
    /// PagerDuty.
    Pagerduty,
    /// Prometheus Alertmanager.
    Alertmanager,
    /// Grafana annotations.
    Grafana,
    /// A generic webhook.
    Generic,
}

impl NotificationProvider {
    /// The `spec.type` Flux expects.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationProvider::Slack => "slack",
            NotificationProvider::Discord => "discord",
            NotificationProvider::Msteams => "msteams",
            NotificationProvider::Googlechat => "googlechat",
            NotificationProvider::Rocket => "rocket",
            NotificationProvider::Webex => "webex",
            NotificationProvider::Telegram => "telegram",
            NotificationProvider::Matrix => "matrix",
            NotificationProvider::Opsgenie => "opsgenie",
            NotificationProvider::Pagerduty => "pagerduty",
            NotificationProvider::Alertmanager => "alertmanager",
            NotificationProvider::Grafana => "grafana",
            NotificationProvider::Generic => "generic",
        }
    }
}

/// Which Flux events are sent.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EventSeverity {
    /// Every event, successes included.
    #[default]
    Info,
    /// Failures only.
    Error,
}

impl EventSeverity {
    /// The `spec.eventSeverity` Flux expects.
    pub fn as_str(self) -> &'static str {
        match self {
            EventSeverity::Info => "info",
            EventSeverity::Error => "error",
        }
    }
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

fn default_release_interval() -> Duration {
    Duration::from_secs(60)
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
    /// The chart version (`1.11.1`), or a Helm version constraint (`~1.11.0`, `>=1.11 <2`).
    pub version: String,
    /// Repository URL: `https://...` for a Helm repository, `oci://...` for an OCI registry
    /// (for OCI, the URL of the chart itself, ending in the chart's name).
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
    /// grafana-community/tempo-distributed (Tempo with `mode: distributed`).
    #[serde(default = "default_tempo_distributed_chart")]
    pub tempo_distributed: Chart,
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

fn default_tempo_distributed_chart() -> Chart {
    Chart::new("3.3.0", GRAFANA_COMMUNITY_REPO)
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
            tempo_distributed: default_tempo_distributed_chart(),
            alloy: default_alloy_chart(),
            grafana: default_grafana_chart(),
            kube_prometheus_stack: default_kps_chart(),
        }
    }
}

/// One version in Helm's (Masterminds semver) syntax: `1.2.3`, `v1.2`, `1.x`,
/// `1.2.3-rc.1+build`. `exact` demands all three numbers and no wildcard.
fn version_pattern(exact: bool) -> &'static str {
    if exact {
        r"v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
    } else {
        r"v?([0-9]+|[xX*])(\.([0-9]+|[xX*]))?(\.([0-9]+|[xX*]))?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
    }
}

/// `^(?:pattern)$`, compiled once per process: building a regex costs far more than
/// matching a version string, and every profile checks every chart's version.
fn anchored(pattern: &str) -> regex::Regex {
    regex::Regex::new(&format!("^(?:{pattern})$")).expect("the version patterns are valid")
}

static EXACT_VERSION: LazyLock<regex::Regex> = LazyLock::new(|| anchored(version_pattern(true)));

/// One `||` alternative of a version constraint.
static CONSTRAINT_ALTERNATIVE: LazyLock<regex::Regex> = LazyLock::new(|| {
    let one = version_pattern(false);
    let comparison = format!(r"(=|!=|>=|=>|<=|=<|>|<|~>|~|\^)?\s*{one}");
    let hyphen = format!(r"{one}\s+-\s+{one}");
    anchored(&format!(
        r"\s*(?:{hyphen}|{comparison}((\s*,\s*|\s+){comparison})*)\s*"
    ))
});

/// Whether `version` is one exact chart version (`1.11.1`, `v2.0.0-rc.1`).
pub fn is_exact_version(version: &str) -> bool {
    EXACT_VERSION.is_match(version)
}

/// Whether `version` is an exact version or a Helm version constraint: comparisons
/// (`=`, `!=`, `>`, `<`, `>=`, `<=`, `~`, `~>`, `^`) joined by spaces or commas,
/// hyphen ranges (`1.2 - 1.4`), wildcards (`1.x`, `*`) and alternatives (`||`).
pub fn is_version_constraint(version: &str) -> bool {
    !version.trim().is_empty()
        && !version.chars().any(char::is_control)
        && version
            .split("||")
            .all(|a| CONSTRAINT_ALTERNATIVE.is_match(a))
}

#[cfg(test)]
mod renovate_tests;
