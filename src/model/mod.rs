//! The typed profile: everything a user can say about their observability stack.
//!
//! Every struct rejects unknown keys, so a typo is an error with a suggestion
//! instead of a silently ignored setting. The JSON Schema in `schema/` is
//! generated from these types.

mod access;
mod alerts;
mod alloy;
mod component;
mod components;
mod dashboards;
mod delivery;
mod monitors;
mod placement;
mod profile;
mod storage;
mod units;
mod vcluster;

pub use access::{Access, CloudflareTunnel, GatewayRef, HttpRoute, NodePort};
pub use alerts::{Alerts, CustomGroup, CustomRule, GroupOverride, RuleOverride};
pub use alloy::{
    Alloy, AlloyController, AuditLabel, AuditLogs, AuditWebhook, EventLogs, Gpu, JournalLogs, Logs,
    Metrics, PodLogSource, PodLogs, Rke2Logs, Scheme, ScrapeTarget, SourceValues, StabilityLevel,
    Traces,
};
pub use component::Component;
pub use components::{
    AdminCredentials, AdminSecret, AlertmanagerSettings, Grafana, GrafanaHost, Kafka, Loki,
    LokiMode, LokiRoles, LongTermStorage, Otlp, PrometheusStack, RemoteWriteTarget, RoleSize,
    SecretKeyRef, Tempo, TempoMode, TempoRoles, ThanosSidecar, Toggle,
};
pub use dashboards::Dashboards;
pub use delivery::{
    Chart, Charts, Delivery, DeliveryMode, EventSeverity, FluxNotifications, FluxSettings,
    NotificationProvider, SourceKind, is_exact_version, is_version_constraint,
};
pub use monitors::{Monitor, MonitorKind};
pub use placement::{
    Node, Placement, ResourceName, Resources, Spread, Taint, TaintEffect, Toleration,
};
pub use profile::{Cluster, Environment, NamespaceSettings, Profile, Risk};
pub use storage::{HostPathVolume, ObjectStore, ObjectStoreKind, Storage, VolumeClaim};
pub use units::{Duration, Quantity};
pub use vcluster::{AuditPolicy, AuditResources, VCluster};
