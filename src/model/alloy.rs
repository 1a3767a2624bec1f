//! Grafana Alloy: how it runs and what its pipeline collects.
//!
//! Every source is a switch with settings; the pipeline in
//! `compile::pipeline` turns the switches into Alloy components.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Duration, Placement};

fn yes() -> bool {
    true
}

/// Grafana Alloy, the collector deployed with the stack.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Alloy {
    /// Set to `false` to leave Alloy out.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Namespace for Alloy; the profile's `namespace` when omitted.
    #[serde(default)]
    pub namespace: Option<String>,
    /// How Alloy runs.
    #[serde(default)]
    pub controller: AlloyController,
    /// Log sources and processing.
    #[serde(default)]
    pub logs: Logs,
    /// Metrics sources.
    #[serde(default)]
    pub metrics: Metrics,
    /// Trace reception.
    #[serde(default)]
    pub traces: Traces,
    /// Extra Alloy configuration appended to the generated pipeline. It is parsed and
    /// checked with the rest, so it may reference the generated components
    /// (`loki.write.default.receiver`, `prometheus.remote_write.default.receiver`).
    #[serde(default)]
    pub custom: Option<String>,
    /// The lowest stability level of Alloy components the pipeline may use
    /// (Alloy's `--stability.level`): `generally-available` (default),
    /// `public-preview` or `experimental`. It raises the level the pipeline is
    /// checked at *and* sets the Alloy chart's `alloy.stabilityLevel`, so the
    /// deployed Alloy accepts what was checked.
    #[serde(default)]
    pub stability_level: StabilityLevel,
    /// Scheduling and resources.
    #[serde(default)]
    pub placement: Placement,
}

/// Alloy's stability levels (`--stability.level`), highest first.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum StabilityLevel {
    /// Only generally-available components (Alloy's default).
    #[default]
    GenerallyAvailable,
    /// Public-preview components too.
    PublicPreview,
    /// Experimental components too.
    Experimental,
}

impl StabilityLevel {
    /// The Alloy checker's level.
    pub fn to_alloy(self) -> o11yc_alloy::check::registry::Stability {
        use o11yc_alloy::check::registry::Stability;
        match self {
            StabilityLevel::GenerallyAvailable => Stability::GenerallyAvailable,
            StabilityLevel::PublicPreview => Stability::PublicPreview,
            StabilityLevel::Experimental => Stability::Experimental,
        }
    }
}

/// The workload kind Alloy runs as.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum AlloyController {
    /// One pod per node: needed for node-local sources (log files, journald).
    #[default]
    Daemonset,
    /// A single Deployment.
    Deployment,
    /// A StatefulSet (for clustering with persistent WAL).
    Statefulset,
}

/// Log sources and processing.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Logs {
    /// Name of the stream label saying which kind of log a line is: `source`, or
    /// e.g. `log_type` as KAIWO names it.
    #[serde(default = "default_source_label")]
    pub source_label: String,
    /// The value of that label for each kind of log.
    #[serde(default)]
    pub source_values: SourceValues,
    /// Container logs of pods (`source="pod_log"`).
    #[serde(default)]
    pub pods: PodLogs,
    /// Kubernetes events as JSON lines (`source="k8s_event"`).
    #[serde(default)]
    pub events: EventLogs,
    /// systemd journal of the nodes (`source="journal"`, with `unit` and `level`).
    #[serde(default)]
    pub journal: JournalLogs,
    /// RKE2's kubelet and containerd log files (`source="rke2"`, with `type`).
    #[serde(default)]
    pub rke2: Rke2Logs,
    /// Kubernetes API audit events (`source="k8s_audit_log"`).
    #[serde(default)]
    pub audit: AuditLogs,
    /// Rewrite every line into the unified JSON schema (`source`, `level`, `action`,
    /// `message`, `object`, `pod`, `container`, `timestamp`, `details`) so that one
    /// LogQL `| json` works across pod logs, events and audit logs.
    #[serde(default)]
    pub unified_schema: bool,
}

impl Default for Logs {
    fn default() -> Self {
        Logs {
            source_label: default_source_label(),
            source_values: SourceValues::default(),
            pods: PodLogs::default(),
            events: EventLogs::default(),
            journal: JournalLogs::default(),
            rke2: Rke2Logs::default(),
            audit: AuditLogs::default(),
            unified_schema: false,
        }
    }
}

fn default_source_label() -> String {
    "source".to_owned()
}

/// The value of the source label (`logs.sourceLabel`) per kind of log.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SourceValues {
    /// Container logs.
    #[serde(default = "default_pod_log")]
    pub pod_log: String,
    /// Kubernetes events (seed 004 uses `kubernetes-events`).
    #[serde(default = "default_k8s_event")]
    pub k8s_event: String,
    /// API server audit events.
    #[serde(default = "default_k8s_audit_log")]
    pub k8s_audit_log: String,
    /// The systemd journal.
    #[serde(default = "default_journal")]
    pub journal: String,
    /// RKE2 node log files.
    #[serde(default = "default_rke2")]
    pub rke2: String,
}

fn default_pod_log() -> String {
    "pod_log".to_owned()
}
fn default_k8s_event() -> String {
    "k8s_event".to_owned()
}
fn default_k8s_audit_log() -> String {
    "k8s_audit_log".to_owned()
}
fn default_journal() -> String {
    "journal".to_owned()
}
fn default_rke2() -> String {
    "rke2".to_owned()
}

impl Default for SourceValues {
    fn default() -> Self {
        SourceValues {
            pod_log: default_pod_log(),
            k8s_event: default_k8s_event(),
            k8s_audit_log: default_k8s_audit_log(),
            journal: default_journal(),
            rke2: default_rke2(),
        }
    }
}

/// Container logs of pods.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodLogs {
    /// Collect pod logs.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Where the logs are read.
    #[serde(default)]
    pub via: PodLogSource,
    /// Only these namespaces; all when empty.
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// Only the namespaces of vCluster test environments (those matching
    /// `vcluster.namespaceFormat`), with the run labels extracted from the name.
    #[serde(default)]
    pub vcluster_namespaces_only: bool,
    /// Parse JSON lines and take `level` and `msg` from them.
    #[serde(default = "yes")]
    pub parse_json: bool,
    /// Extract trace ids (W3C `traceparent`, B3 `X-B3-Traceid`, JSON `trace_id`)
    /// into the `trace_id` structured metadata, for logs→traces links.
    #[serde(default = "yes")]
    pub trace_ids: bool,
    /// Keep the pod name as a label. Off by default: pod names are high-cardinality,
    /// the unified schema and `| json` carry them instead.
    #[serde(default)]
    pub pod_label: bool,
}

impl Default for PodLogs {
    fn default() -> Self {
        PodLogs {
            enabled: true,
            via: PodLogSource::default(),
            namespaces: Vec::new(),
            vcluster_namespaces_only: false,
            parse_json: true,
            trace_ids: true,
            pod_label: false,
        }
    }
}

/// How pod logs are read.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum PodLogSource {
    /// Through the Kubernetes API (`loki.source.kubernetes`): no host mounts.
    #[default]
    Api,
    /// From `/var/log/pods` on the node (`loki.source.file`): needs a DaemonSet.
    Files,
}

/// Kubernetes events.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EventLogs {
    /// Collect events.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Only these namespaces; all when empty.
    #[serde(default)]
    pub namespaces: Vec<String>,
}

impl Default for EventLogs {
    fn default() -> Self {
        EventLogs {
            enabled: true,
            namespaces: Vec::new(),
        }
    }
}

/// The systemd journal.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct JournalLogs {
    /// Collect the journal (needs a DaemonSet; mounts `/var/log`).
    #[serde(default)]
    pub enabled: bool,
    /// Only these units (e.g. `kubelet.service`); all when empty.
    #[serde(default)]
    pub units: Vec<String>,
    /// How far back to read on first start.
    #[serde(default = "default_journal_max_age")]
    pub max_age: Duration,
}

fn default_journal_max_age() -> Duration {
    Duration::from_secs(12 * 3600)
}

impl Default for JournalLogs {
    fn default() -> Self {
        JournalLogs {
            enabled: false,
            units: Vec::new(),
            max_age: default_journal_max_age(),
        }
    }
}

/// RKE2 node log files.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Rke2Logs {
    /// Collect `kubelet.log` and `containerd.log` (needs a DaemonSet; mounts the RKE2 directories).
    #[serde(default)]
    pub enabled: bool,
}

/// Kubernetes API audit events.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuditLogs {
    /// Take audit events from the stdout of the vCluster `syncer` containers
    /// (the API server logs them there with `--audit-log-path=-`). Needs `vcluster`.
    #[serde(default)]
    pub syncer: bool,
    /// Receive audit events from an API server audit webhook.
    #[serde(default)]
    pub webhook: Option<AuditWebhook>,
    /// Fields of each audit event that become stream labels (KAIWO queries
    /// `resource=~"aims|rayservices"`). None by default: they stay in the line.
    #[serde(default)]
    pub labels: Vec<AuditLabel>,
}

/// An audit event field that can become a stream label.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub enum AuditLabel {
    /// `verb` (`create`, `update`, `delete`, `get`, ...).
    Verb,
    /// `resource`: `objectRef.resource`, the plural resource name (`pods`, `aims`).
    Resource,
}

impl AuditLabel {
    /// The label name, which is also the name of the extracted value.
    pub fn name(self) -> &'static str {
        match self {
            AuditLabel::Verb => "verb",
            AuditLabel::Resource => "resource",
        }
    }
}

/// An HTTP endpoint for the API server's audit webhook backend.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AuditWebhook {
    /// Port Alloy listens on. The API server posts to `/loki/api/v1/raw` (the path
    /// `loki.source.api` serves); the generated vCluster values point its webhook
    /// kubeconfig there.
    #[serde(default = "default_webhook_port")]
    pub port: u16,
    /// For the Alloy inside a vCluster: the host Service the vCluster replicates the
    /// Alloy Service to, which the API server (running on the host) posts to.
    #[serde(default = "default_webhook_service")]
    pub service: String,
}

fn default_webhook_service() -> String {
    "alloy-vcluster".to_owned()
}

fn default_webhook_port() -> u16 {
    9095
}

/// Metrics sources. Samples go to the stack's Prometheus by remote write, which
/// needs `prometheus.remoteWriteReceiver: true`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metrics {
    /// Kubelet metrics of every node (through the API server proxy).
    #[serde(default)]
    pub kubelet: bool,
    /// cAdvisor container metrics of every node (through the API server proxy).
    #[serde(default)]
    pub cadvisor: bool,
    /// kube-state-metrics (pods labelled `app.kubernetes.io/name: kube-state-metrics`).
    #[serde(default)]
    pub kube_state_metrics: bool,
    /// Scrape what ServiceMonitors describe (for clusters without a Prometheus Operator of their own).
    #[serde(default)]
    pub service_monitors: bool,
    /// Scrape what PodMonitors describe.
    #[serde(default)]
    pub pod_monitors: bool,
    /// GPU exporters.
    #[serde(default)]
    pub gpu: Gpu,
    /// Kueue's controller manager metrics (HTTPS on port 8443, service-account token).
    #[serde(default)]
    pub kueue: bool,
    /// The KubeRay operator's metrics (port 8080).
    #[serde(default)]
    pub kuberay: bool,
    /// Ray cluster head and worker pods (`ray.io/node-type`, port `metrics`).
    #[serde(default)]
    pub ray_clusters: bool,
    /// More pods to scrape, e.g. your operators.
    #[serde(default)]
    pub targets: Vec<ScrapeTarget>,
}

impl Metrics {
    /// Whether any metrics source is on (the pipeline then remote-writes to Prometheus).
    pub fn any_enabled(&self) -> bool {
        self.kubelet
            || self.cadvisor
            || self.kube_state_metrics
            || self.service_monitors
            || self.pod_monitors
            || self.gpu.nvidia
            || self.gpu.amd
            || self.kueue
            || self.kuberay
            || self.ray_clusters
            || !self.targets.is_empty()
    }
}

/// GPU exporters on the nodes.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Gpu {
    /// NVIDIA DCGM exporter (pods labelled `app: nvidia-dcgm-exporter`, port 9400).
    #[serde(default)]
    pub nvidia: bool,
    /// AMD device metrics exporter (pods labelled
    /// `app.kubernetes.io/name: device-metrics-exporter`, port 5000).
    #[serde(default)]
    pub amd: bool,
}

/// Pods to scrape, found by label.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScrapeTarget {
    /// The `job` label of the samples, e.g. `kaiwo-operator`.
    pub name: String,
    /// Only pods in this namespace; any namespace when omitted.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Labels the pods carry.
    pub selector: BTreeMap<String, String>,
    /// The container port: a name (`metrics`) or a number (`8443`).
    pub port: String,
    /// HTTP path of the metrics.
    #[serde(default = "default_metrics_path")]
    pub path: String,
    /// `http` or `https`.
    #[serde(default)]
    pub scheme: Scheme,
    /// Send the pod's service-account token (for kube-rbac-proxy protected endpoints).
    #[serde(default)]
    pub bearer_token: bool,
    /// Skip TLS verification (self-signed operator certificates).
    #[serde(default)]
    pub insecure_skip_verify: bool,
    /// Scrape interval; Alloy's default (60s) when omitted.
    #[serde(default)]
    pub interval: Option<Duration>,
}

fn default_metrics_path() -> String {
    "/metrics".to_owned()
}

/// URL scheme of a metrics endpoint.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Scheme {
    /// Plain HTTP.
    #[default]
    Http,
    /// HTTPS.
    Https,
}

/// Trace reception.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Traces {
    /// Receive OTLP (gRPC 4317, HTTP 4318) from applications and forward it to Tempo.
    #[serde(default)]
    pub otlp: bool,
}

impl Logs {
    /// Whether any log source is on (the pipeline then writes to Loki).
    pub fn any_enabled(&self) -> bool {
        self.pods.enabled
            || self.events.enabled
            || self.journal.enabled
            || self.rke2.enabled
            || self.audit.webhook.is_some()
    }

    /// Whether any log source reads files on the node.
    pub fn needs_node_access(&self) -> bool {
        (self.pods.enabled && self.pods.via == PodLogSource::Files)
            || self.journal.enabled
            || self.rke2.enabled
    }
}
