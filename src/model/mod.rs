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

pub use access::{Access, CloudflareTunnel, HttpRoute};
pub use alerts::{Alerts, CustomGroup};
pub use alloy::{Alloy, AlloyController, Logs, PodLogSource, Scheme, ScrapeTarget, StabilityLevel};
pub use component::Component;
pub use components::{
    AdminCredentials, Grafana, GrafanaHost, Kafka, Loki, LokiMode, LokiRoles, LongTermStorage,
    PrometheusStack, RemoteWriteTarget, RoleSize, SecretKeyRef, Tempo, TempoMode, TempoRoles,
    ThanosSidecar,
};
pub use dashboards::Dashboards;
#[cfg(test)]
pub use delivery::Charts;
pub use delivery::{
    Chart, Delivery, DeliveryMode, FluxNotifications, FluxSettings, SourceKind, is_exact_version,
    is_version_constraint,
};
pub use monitors::{Monitor, MonitorKind};
pub use placement::{
    Node, Placement, ResourceName, Resources, Spread, Taint, TaintEffect, Toleration,
};
pub use profile::{Environment, Profile, Risk};
pub use storage::{HostPathVolume, ObjectStore, ObjectStoreKind, Storage, VolumeClaim};
pub use units::{Duration, Quantity};
pub use vcluster::{AuditResources, VCluster};
