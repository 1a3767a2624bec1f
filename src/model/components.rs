//! The stack components: Loki, Tempo, kube-prometheus-stack, Grafana and Alloy.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Access, Duration, Placement, Quantity, Storage, VolumeClaim};

fn yes() -> bool {
    true
}

/// An on/off switch for a sub-component.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Toggle {
    /// Whether the sub-component is deployed.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for Toggle {
    fn default() -> Self {
        Toggle { enabled: true }
    }
}

/// Grafana Loki, as one binary or in Distributed mode.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Loki {
    /// Set to `false` to leave Loki out (e.g. in a profile that extends one with Loki).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Namespace for Loki; the profile's `namespace` when omitted.
    #[serde(default)]
    pub namespace: Option<String>,
    /// How long logs are kept; the compactor deletes older chunks.
    pub retention: Duration,
    /// Where chunks and index live.
    pub storage: Storage,
    /// Expected log volume per day. When given, o11yc checks that a volume
    /// holds `retention × ingestPerDay`.
    #[serde(default)]
    pub ingest_per_day: Option<Quantity>,
    /// Deploy the NGINX gateway in front of Loki (clients then push to the gateway).
    #[serde(default)]
    pub gateway: bool,
    /// How Loki is deployed: `singleBinary` (one pod) or `distributed`
    /// (one workload per role; needs `objectStore` storage).
    #[serde(default)]
    pub mode: LokiMode,
    /// Per-role replicas and resources in `distributed` mode, overriding the
    /// sizing table.
    #[serde(default)]
    pub roles: LokiRoles,
    /// Scheduling and resources. In `distributed` mode the node selector and
    /// tolerations apply to every role; resources come from `roles` and the
    /// sizing table instead.
    #[serde(default)]
    pub placement: Placement,
}

/// How Loki is deployed.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum LokiMode {
    /// One pod doing everything; for up to about 20 GB of logs a day.
    #[default]
    SingleBinary,
    /// Every role its own workload, on object storage.
    Distributed,
}

/// Overrides of the sizing table, one per Loki role.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LokiRoles {
    /// Ingesters.
    #[serde(default)]
    pub ingester: Option<RoleSize>,
    /// Distributors.
    #[serde(default)]
    pub distributor: Option<RoleSize>,
    /// Index gateways.
    #[serde(default)]
    pub index_gateway: Option<RoleSize>,
    /// Queriers.
    #[serde(default)]
    pub querier: Option<RoleSize>,
    /// Query frontends.
    #[serde(default)]
    pub query_frontend: Option<RoleSize>,
    /// Query schedulers.
    #[serde(default)]
    pub query_scheduler: Option<RoleSize>,
    /// The compactor.
    #[serde(default)]
    pub compactor: Option<RoleSize>,
}

/// Replicas and resources of one role; what is omitted comes from the sizing table.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RoleSize {
    /// Number of pods.
    #[serde(default)]
    pub replicas: Option<u32>,
    /// Requests and limits of each pod.
    #[serde(default)]
    pub resources: Option<super::Resources>,
}

/// Grafana Tempo, monolithic or distributed (microservices through Kafka).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Tempo {
    /// Set to `false` to leave Tempo out.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Namespace for Tempo; the profile's `namespace` when omitted.
    #[serde(default)]
    pub namespace: Option<String>,
    /// How long traces are kept.
    pub retention: Duration,
    /// Where trace blocks live.
    pub storage: Storage,
    /// Expected trace volume per day, for the capacity check.
    #[serde(default)]
    pub ingest_per_day: Option<Quantity>,
    /// OTLP receivers (gRPC on 4317, HTTP on 4318).
    #[serde(default)]
    pub otlp: Otlp,
    /// How Tempo is deployed: `monolithic` (one pod, the `tempo` chart) or
    /// `distributed` (the `tempo-distributed` chart; needs `kafka` and
    /// `objectStore` storage).
    #[serde(default)]
    pub mode: TempoMode,
    /// The Kafka topic the distributors write to and the block-builders and
    /// live-stores read from (`distributed` mode only).
    #[serde(default)]
    pub kafka: Option<Kafka>,
    /// Per-role replicas and resources in `distributed` mode, overriding the
    /// sizing o11yc derives from `ingestPerDay`.
    #[serde(default)]
    pub roles: TempoRoles,
    /// Scheduling and resources. In `distributed` mode the node selector and
    /// tolerations apply to every role; resources come from `roles` and the
    /// sizing instead.
    #[serde(default)]
    pub placement: Placement,
}

/// How Tempo is deployed.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum TempoMode {
    /// One pod doing everything (the `tempo` chart).
    #[default]
    Monolithic,
    /// One workload per role, writing through Kafka to object storage
    /// (the `tempo-distributed` chart).
    Distributed,
}

/// An existing Kafka (or Kafka-compatible) cluster Tempo's write path goes through.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Kafka {
    /// A broker's `host:port`, e.g. `kafka.kafka.svc.cluster.local:9092`.
    pub address: String,
    /// The topic spans are written to.
    pub topic: String,
    /// The topic's partition count; Tempo runs one block-builder and one
    /// live-store per partition.
    pub partitions: u32,
}

/// Overrides of the derived sizing, one per Tempo role.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TempoRoles {
    /// Distributors (receive spans, write them to Kafka).
    #[serde(default)]
    pub distributor: Option<RoleSize>,
    /// Block-builders (one per Kafka partition; build blocks in the bucket).
    #[serde(default)]
    pub block_builder: Option<RoleSize>,
    /// Live-stores (one per Kafka partition; serve recent traces).
    #[serde(default)]
    pub live_store: Option<RoleSize>,
    /// Queriers.
    #[serde(default)]
    pub querier: Option<RoleSize>,
    /// Query frontends.
    #[serde(default)]
    pub query_frontend: Option<RoleSize>,
    /// The backend scheduler (one; plans compaction and retention).
    #[serde(default)]
    pub backend_scheduler: Option<RoleSize>,
    /// Backend workers (compact blocks and apply retention).
    #[serde(default)]
    pub backend_worker: Option<RoleSize>,
}

/// Which OTLP protocols Tempo accepts.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Otlp {
    /// OTLP over gRPC on port 4317.
    #[serde(default = "yes")]
    pub grpc: bool,
    /// OTLP over HTTP on port 4318.
    #[serde(default = "yes")]
    pub http: bool,
}

impl Default for Otlp {
    fn default() -> Self {
        Otlp {
            grpc: true,
            http: true,
        }
    }
}

/// kube-prometheus-stack: the Prometheus Operator, Prometheus and its companions.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PrometheusStack {
    /// Set to `false` to leave the stack out.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Namespace for the stack; the profile's `namespace` when omitted.
    #[serde(default)]
    pub namespace: Option<String>,
    /// The Helm release name; it prefixes every object the chart creates.
    #[serde(default = "default_kps_release")]
    pub release_name: String,
    /// How long samples are kept.
    pub retention: Duration,
    /// The default scrape interval.
    #[serde(default = "default_scrape_interval")]
    pub scrape_interval: Duration,
    /// Labels a ServiceMonitor, PodMonitor or PrometheusRule must carry to be
    /// picked up. Defaults to `release: <releaseName>`, as the chart does.
    #[serde(default)]
    pub monitor_selector: Option<BTreeMap<String, String>>,
    /// Accept remote write on `/api/v1/write` (needed when another cluster's Alloy writes here).
    #[serde(default)]
    pub remote_write_receiver: bool,
    /// Where Prometheus keeps its TSDB; an emptyDir when omitted.
    #[serde(default)]
    pub storage: Option<Storage>,
    /// Expected sample volume per day on disk, for the capacity check.
    #[serde(default)]
    pub ingest_per_day: Option<Quantity>,
    /// Number of Prometheus replicas; 2 or more run an HA pair (or more),
    /// each scraping everything and labelled by `prometheus_replica`.
    #[serde(default = "one")]
    pub replicas: u32,
    /// Where samples go for long-term storage; none when omitted.
    #[serde(default)]
    pub long_term_storage: Option<LongTermStorage>,
    /// Alertmanager.
    #[serde(default)]
    pub alertmanager: AlertmanagerSettings,
    /// kube-state-metrics.
    #[serde(default)]
    pub kube_state_metrics: Toggle,
    /// prometheus-node-exporter on every node.
    #[serde(default)]
    pub node_exporter: Toggle,
    /// Scheduling and resources of Prometheus.
    #[serde(default)]
    pub placement: Placement,
}

fn one() -> u32 {
    1
}

/// Alertmanager of kube-prometheus-stack.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AlertmanagerSettings {
    /// Whether Alertmanager is deployed.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Number of Alertmanager replicas; more than one form a gossip cluster.
    #[serde(default = "one")]
    pub replicas: u32,
}

impl Default for AlertmanagerSettings {
    fn default() -> Self {
        AlertmanagerSettings {
            enabled: true,
            replicas: 1,
        }
    }
}

/// Long-term storage for Prometheus samples.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum LongTermStorage {
    /// A Thanos sidecar uploads TSDB blocks to an object store, configured by
    /// a Thanos `objstore.yml` held in an existing Secret.
    Thanos(ThanosSidecar),
    /// Prometheus remote-writes every sample to an existing endpoint
    /// (Mimir, Thanos receive, another Prometheus).
    RemoteWrite(RemoteWriteTarget),
}

/// The Thanos sidecar's object store configuration.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ThanosSidecar {
    /// The Secret key holding the Thanos object store configuration (`objstore.yml`).
    pub object_store_secret: SecretKeyRef,
}

/// A remote-write endpoint.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RemoteWriteTarget {
    /// The endpoint's URL (`https://mimir.example/api/v1/push`).
    pub url: String,
    /// HTTP basic authentication, both parts read from existing Secret keys.
    #[serde(default)]
    pub basic_auth: Option<RemoteWriteBasicAuth>,
    /// A bearer token (`Authorization: Bearer ...`) read from an existing
    /// Secret key. Not together with `basicAuth`.
    #[serde(default)]
    pub bearer_token: Option<SecretKeyRef>,
}

/// Basic authentication for a remote-write endpoint, by Secret reference only
/// (o11yc never writes credentials).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RemoteWriteBasicAuth {
    /// The Secret key holding the user name.
    pub username: SecretKeyRef,
    /// The Secret key holding the password.
    pub password: SecretKeyRef,
}

fn default_kps_release() -> String {
    "kube-prometheus-stack".to_owned()
}

fn default_scrape_interval() -> Duration {
    Duration::from_secs(30)
}

impl PrometheusStack {
    /// The labels monitors and rules must carry for this Prometheus to select them.
    pub fn selector_labels(&self) -> BTreeMap<String, String> {
        self.monitor_selector
            .clone()
            .unwrap_or_else(|| BTreeMap::from([("release".to_owned(), self.release_name.clone())]))
    }
}

/// Grafana.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Grafana {
    /// Set to `false` to leave Grafana out.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Namespace for a standalone Grafana; the profile's `namespace` when omitted.
    #[serde(default)]
    pub namespace: Option<String>,
    /// Which chart deploys Grafana.
    #[serde(default)]
    pub host: GrafanaHost,
    /// Where the admin credentials come from.
    pub admin: AdminCredentials,
    /// How users reach Grafana.
    #[serde(default)]
    pub access: Access,
    /// A persistent volume for Grafana's database; none when omitted.
    #[serde(default)]
    pub persistence: Option<VolumeClaim>,
    /// The label (and value) that marks dashboard ConfigMaps for the sidecar.
    #[serde(default = "default_dashboard_label")]
    pub dashboard_label: BTreeMap<String, String>,
    /// Scheduling and resources.
    #[serde(default)]
    pub placement: Placement,
}

fn default_dashboard_label() -> BTreeMap<String, String> {
    BTreeMap::from([("grafana_dashboard".to_owned(), "1".to_owned())])
}

/// Which chart deploys Grafana.
#[derive(Clone, Copy, Debug, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum GrafanaHost {
    /// The `grafana` chart, released on its own.
    #[default]
    Standalone,
    /// The Grafana sub-chart of kube-prometheus-stack (needs `prometheus`).
    KubePrometheusStack,
}

/// Where Grafana's admin user and password come from.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum AdminCredentials {
    /// An existing Secret (o11yc never writes credentials).
    ExistingSecret(AdminSecret),
    /// The well-known `admin`/`admin`. Allowed only with `environment: development`.
    InsecureDefault,
}

/// The Secret holding Grafana's admin credentials.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AdminSecret {
    /// Secret name, in Grafana's namespace.
    pub name: String,
    /// Key of the user name.
    #[serde(default = "default_admin_user_key")]
    pub user_key: String,
    /// Key of the password.
    #[serde(default = "default_admin_password_key")]
    pub password_key: String,
}

fn default_admin_user_key() -> String {
    "admin-user".to_owned()
}

fn default_admin_password_key() -> String {
    "admin-password".to_owned()
}

/// A key in an existing Secret.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretKeyRef {
    /// Secret name.
    pub name: String,
    /// Key inside the Secret.
    pub key: String,
}
