//! Values for the `loki` chart in SingleBinary or Distributed mode.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::values::{Disabled, Replicas, owner_security_context, secret_env};
use crate::model::{Loki, LokiMode, Node, ObjectStore, ObjectStoreKind, Spread, Storage};
use crate::resolve::placement::{self, PodPlacement, ZONE_KEY, spread_constraints};
use crate::resolve::sizing::{self, REPLICATION_FACTOR, Role};
use crate::resolve::stack::LOKI_RELEASE;
use k8s_openapi::api::core::v1::{EnvVar, PodSecurityContext, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// The date the schema below starts; fixed so regenerating never changes it.
const SCHEMA_FROM: &str = "2024-04-01";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LokiValues {
    deployment_mode: &'static str,
    loki: LokiSettings,
    single_binary: SingleBinary,
    backend: Replicas,
    read: Replicas,
    write: Replicas,
    gateway: Toggle,
    chunks_cache: Disabled,
    results_cache: Disabled,
    loki_canary: Disabled,
    test: Disabled,
    minio: Disabled,
}

#[derive(Serialize)]
struct Toggle {
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LokiSettings {
    #[serde(rename = "auth_enabled")]
    auth_enabled: bool,
    common_config: CommonConfig,
    storage: LokiStorage,
    schema_config: SchemaConfig,
    #[serde(rename = "limits_config")]
    limits_config: LimitsConfig,
    compactor: Compactor,
    ingester: IngesterConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_security_context: Option<PodSecurityContext>,
}

/// Loki's `ingester` block (merged into the chart's, which keeps its WAL settings).
#[derive(Serialize)]
struct IngesterConfig {
    /// Loki 3's default, written so that the compression the object-store
    /// capacity check assumes (`validate/capacity.rs`) is the one deployed.
    chunk_encoding: &'static str,
}

/// How chunks are compressed.
pub const CHUNK_ENCODING: &str = "snappy";

#[derive(Serialize)]
struct CommonConfig {
    replication_factor: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LokiStorage {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bucket_names: Option<BucketNames>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3: Option<S3>,
}

#[derive(Serialize)]
struct BucketNames {
    chunks: String,
    ruler: String,
    admin: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct S3 {
    endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    access_key_id: &'static str,
    secret_access_key: &'static str,
    s3_force_path_style: bool,
    insecure: bool,
}

#[derive(Serialize)]
struct SchemaConfig {
    configs: Vec<SchemaPeriod>,
}

#[derive(Serialize)]
struct SchemaPeriod {
    from: &'static str,
    store: &'static str,
    object_store: &'static str,
    schema: &'static str,
    index: IndexPeriod,
}

#[derive(Serialize)]
struct IndexPeriod {
    prefix: &'static str,
    period: &'static str,
}

#[derive(Serialize)]
struct LimitsConfig {
    retention_period: String,
    max_label_names_per_series: usize,
}

/// Loki's own default of `limits_config.max_label_names_per_series`, written
/// explicitly so the limit the Alloy pipelines are checked against is the one
/// the deployed Loki applies.
const MAX_LABEL_NAMES_PER_SERIES: usize = 15;

/// The `limits_config` o11yc generates for `loki`.
fn limits(loki: &Loki) -> LimitsConfig {
    LimitsConfig {
        retention_period: loki.retention.prometheus(),
        max_label_names_per_series: MAX_LABEL_NAMES_PER_SERIES,
    }
}

/// The most label names a stream may carry in the Loki o11yc generates
/// (`limits_config.max_label_names_per_series`); the Alloy label budget.
pub fn max_label_names_per_series(loki: &Loki) -> usize {
    limits(loki).max_label_names_per_series
}

#[derive(Serialize)]
struct Compactor {
    retention_enabled: bool,
    delete_request_store: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Persistence {
    enabled: bool,
    /// Kept off: the claim may be one o11yc pre-binds to a local volume, which
    /// a deleted claim would leave `Released` for good.
    #[serde(rename = "enableStatefulSetAutoDeletePVC")]
    enable_stateful_set_auto_delete_pvc: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_class: Option<String>,
}

impl Persistence {
    fn claim(size: Option<&crate::model::Quantity>, storage_class: Option<&str>) -> Self {
        Persistence {
            enabled: size.is_some(),
            enable_stateful_set_auto_delete_pvc: false,
            size: size.map(ToString::to_string),
            storage_class: storage_class.map(str::to_owned),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SingleBinary {
    replicas: u32,
    persistence: Persistence,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_args: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_env: Vec<EnvVar>,
    #[serde(flatten)]
    placement: PodPlacement,
}

/// The chart's object store name for the profile's storage.
fn object_store_name(storage: &Storage) -> &'static str {
    match storage {
        Storage::ObjectStore(_) => "s3",
        Storage::HostPath(_) | Storage::Claim(_) => "filesystem",
    }
}

fn s3_storage(store: &ObjectStore) -> LokiStorage {
    LokiStorage {
        kind: "s3",
        bucket_names: Some(BucketNames {
            chunks: store.bucket.clone(),
            ruler: store
                .ruler_bucket
                .clone()
                .unwrap_or_else(|| store.bucket.clone()),
            admin: store.bucket.clone(),
        }),
        s3: Some(S3 {
            endpoint: store.endpoint.clone(),
            region: store.region.clone(),
            // Expanded from the environment (`-config.expand-env`), filled from the Secret.
            access_key_id: "${AWS_ACCESS_KEY_ID}",
            secret_access_key: "${AWS_SECRET_ACCESS_KEY}",
            s3_force_path_style: store.kind == ObjectStoreKind::Minio,
            insecure: store.insecure,
        }),
    }
}

/// Values of Distributed mode: one workload per role, sized from the table.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DistributedValues {
    deployment_mode: &'static str,
    global: Global,
    loki: LokiSettings,
    ingester: Ingester,
    distributor: RoleValues,
    index_gateway: RoleValues,
    querier: RoleValues,
    query_frontend: RoleValues,
    query_scheduler: RoleValues,
    compactor: RoleValues,
    single_binary: Replicas,
    backend: Replicas,
    read: Replicas,
    write: Replicas,
    gateway: Toggle,
    chunks_cache: Toggle,
    results_cache: Toggle,
    loki_canary: Disabled,
    test: Disabled,
    minio: Disabled,
    /// The rollout-operator subchart, which zone-aware ingesters need: it
    /// rolls the three zone StatefulSets one zone at a time.
    #[serde(rename = "rollout_operator")]
    rollout_operator: RolloutOperator,
}

/// The rollout-operator subchart.
#[derive(Serialize)]
struct RolloutOperator {
    enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    webhooks: Option<Webhooks>,
    /// When enabled: Loki's `nodeSelector` and `tolerations`, so the operator
    /// runs where Loki's pods may (its resources stay the subchart's).
    #[serde(flatten)]
    placement: Option<PodPlacement>,
}

/// The operator's admission webhooks fail closed (`failurePolicy: Fail`) and
/// by default see every pod of the namespace: with the operator down no pod
/// there could be evicted, Prometheus and Grafana included when they share
/// it. o11yc narrows them to Loki's pods.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Webhooks {
    object_selector: LabelSelector,
}

/// Settings every Loki role's pods get.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Global {
    extra_args: Vec<String>,
    extra_env: Vec<EnvVar>,
}

/// One role's workload.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleValues {
    replicas: u32,
    /// With more than one replica the chart writes a PodDisruptionBudget.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_unavailable: Option<u32>,
    /// Empty for one replica (the compactor's chart section has no such key)
    /// and for `spread: none`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// Always `null`, which removes the chart's default hard pod
    /// anti-affinity by hostname: with it a role needs as many nodes as it
    /// has replicas (10 queriers, 10 nodes). The spread constraints above
    /// take its place.
    affinity: (),
    #[serde(flatten)]
    placement: PodPlacement,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ingester {
    #[serde(flatten)]
    role: RoleValues,
    zone_aware_replication: ZoneAware,
}

/// Zone-aware replication: the ingesters run as three StatefulSets, one per
/// zone, and Loki writes each stream's three copies to three zones.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ZoneAware {
    enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    zone_a: Option<Zone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zone_b: Option<Zone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zone_c: Option<Zone>,
}

/// One ingester zone, pinned to the nodes of one real zone.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Zone {
    node_selector: BTreeMap<String, String>,
}

/// Zone-aware ingesters when the profile spreads Loki by zone over the
/// declared nodes' zones (validation requires three); the first three zones,
/// sorted, become the chart's zones A, B and C.
fn zone_aware(loki: &Loki, nodes: &[Node]) -> ZoneAware {
    let zones = placement::zones(nodes);
    if loki.placement.spread != Spread::Zone || zones.len() < 3 {
        return ZoneAware {
            enabled: false,
            zone_a: None,
            zone_b: None,
            zone_c: None,
        };
    }
    let zone = |i: usize| {
        Some(Zone {
            node_selector: BTreeMap::from([(ZONE_KEY.to_owned(), zones[i].to_owned())]),
        })
    };
    ZoneAware {
        enabled: true,
        zone_a: zone(0),
        zone_b: zone(1),
        zone_c: zone(2),
    }
}

/// The labels the chart gives the pods of `role`.
pub fn role_labels(role: Role) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "app.kubernetes.io/component".to_owned(),
            role.component().to_owned(),
        ),
        (
            "app.kubernetes.io/instance".to_owned(),
            LOKI_RELEASE.to_owned(),
        ),
        ("app.kubernetes.io/name".to_owned(), "loki".to_owned()),
    ])
}

fn role(loki: &Loki, role: Role) -> RoleValues {
    let (replicas, resources) = sizing::size(role, &loki.roles);
    let mut placement = PodPlacement::from(&loki.placement);
    placement.resources = Some(resources);
    RoleValues {
        replicas,
        max_unavailable: (replicas > 1).then_some(1),
        topology_spread_constraints: spread_constraints(
            loki.placement.spread,
            replicas,
            &role_labels(role),
        ),
        affinity: (),
        placement,
    }
}

fn schema_config(store: &'static str) -> SchemaConfig {
    SchemaConfig {
        configs: vec![SchemaPeriod {
            from: SCHEMA_FROM,
            store: "tsdb",
            object_store: store,
            schema: "v13",
            index: IndexPeriod {
                prefix: "index_",
                period: "24h",
            },
        }],
    }
}

fn distributed(loki: &Loki, s3: &ObjectStore, nodes: &[Node]) -> Value {
    let zone_aware = zone_aware(loki, nodes);
    let rollout_operator = RolloutOperator {
        enabled: zone_aware.enabled,
        webhooks: zone_aware.enabled.then(|| Webhooks {
            object_selector: LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "app.kubernetes.io/instance".to_owned(),
                    LOKI_RELEASE.to_owned(),
                )])),
                match_expressions: None,
            },
        }),
        placement: zone_aware.enabled.then(|| PodPlacement {
            resources: None,
            ..PodPlacement::from(&loki.placement)
        }),
    };
    to_value(&DistributedValues {
        deployment_mode: "Distributed",
        global: Global {
            extra_args: vec!["-config.expand-env=true".to_owned()],
            extra_env: secret_env(s3),
        },
        loki: LokiSettings {
            auth_enabled: false,
            common_config: CommonConfig {
                replication_factor: REPLICATION_FACTOR,
            },
            storage: s3_storage(s3),
            schema_config: schema_config("s3"),
            limits_config: limits(loki),
            compactor: Compactor {
                retention_enabled: true,
                delete_request_store: "s3",
            },
            ingester: IngesterConfig {
                chunk_encoding: CHUNK_ENCODING,
            },
            pod_security_context: None,
        },
        ingester: Ingester {
            role: role(loki, Role::Ingester),
            zone_aware_replication: zone_aware,
        },
        distributor: role(loki, Role::Distributor),
        index_gateway: role(loki, Role::IndexGateway),
        querier: role(loki, Role::Querier),
        query_frontend: role(loki, Role::QueryFrontend),
        query_scheduler: role(loki, Role::QueryScheduler),
        compactor: role(loki, Role::Compactor),
        single_binary: Replicas { replicas: 0 },
        backend: Replicas { replicas: 0 },
        read: Replicas { replicas: 0 },
        write: Replicas { replicas: 0 },
        gateway: Toggle {
            enabled: loki.gateway,
        },
        chunks_cache: Toggle { enabled: true },
        results_cache: Toggle { enabled: true },
        loki_canary: Disabled::new(),
        test: Disabled::new(),
        minio: Disabled::new(),
        rollout_operator,
    })
}

/// Helm values for Loki; `nodes` are the profile's declared nodes (their
/// zones place zone-aware ingesters).
pub fn values(loki: &Loki, nodes: &[Node]) -> Value {
    if loki.mode == LokiMode::Distributed
        && let Storage::ObjectStore(s3) = &loki.storage
    {
        return distributed(loki, s3, nodes);
    }
    let store = object_store_name(&loki.storage);
    let (storage, persistence, extra_args, extra_env, security) = match &loki.storage {
        Storage::ObjectStore(s3) => (
            s3_storage(s3),
            Persistence::claim(None, None),
            vec!["-config.expand-env=true".to_owned()],
            secret_env(s3),
            None,
        ),
        Storage::HostPath(volume) => (
            LokiStorage {
                kind: "filesystem",
                bucket_names: None,
                s3: None,
            },
            Persistence::claim(Some(&volume.size), Some(&volume.storage_class)),
            Vec::new(),
            Vec::new(),
            volume.owner_uid.map(owner_security_context),
        ),
        Storage::Claim(claim) => (
            LokiStorage {
                kind: "filesystem",
                bucket_names: None,
                s3: None,
            },
            Persistence::claim(Some(&claim.size), claim.storage_class.as_deref()),
            Vec::new(),
            Vec::new(),
            None,
        ),
    };
    to_value(&LokiValues {
        deployment_mode: "SingleBinary",
        loki: LokiSettings {
            auth_enabled: false,
            common_config: CommonConfig {
                replication_factor: 1,
            },
            storage,
            schema_config: schema_config(store),
            limits_config: limits(loki),
            compactor: Compactor {
                retention_enabled: true,
                delete_request_store: store,
            },
            ingester: IngesterConfig {
                chunk_encoding: CHUNK_ENCODING,
            },
            pod_security_context: security,
        },
        single_binary: SingleBinary {
            replicas: 1,
            persistence,
            extra_args,
            extra_env,
            placement: PodPlacement::from(&loki.placement),
        },
        backend: Replicas { replicas: 0 },
        read: Replicas { replicas: 0 },
        write: Replicas { replicas: 0 },
        gateway: Toggle {
            enabled: loki.gateway,
        },
        chunks_cache: Disabled::new(),
        results_cache: Disabled::new(),
        loki_canary: Disabled::new(),
        test: Disabled::new(),
        minio: Disabled::new(),
    })
}
