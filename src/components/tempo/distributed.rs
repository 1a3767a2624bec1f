//! Values for the `tempo-distributed` chart: Tempo 3's microservices, writing
//! through Kafka to an object store, each role sized by [`tempo_sizing`] and
//! spread by `tempo.placement.spread` like every replicated workload.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::EnvVar;
use serde::Serialize;
use serde_json::Value;

use super::values::S3;
use crate::compile::document::to_value;
use crate::compile::values::secret_env;
use crate::model::{Kafka, ObjectStore, Tempo};
use crate::resolve::placement::{PodPlacement, spread_constraints};
use crate::resolve::stack::TEMPO_RELEASE;
use crate::resolve::tempo_sizing::{self, Role};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values {
    defaults: Defaults,
    storage: Storage,
    ingest: Ingest,
    traces: Traces,
    distributor: RoleValues,
    block_builder: RoleValues,
    live_store: RoleValues,
    querier: RoleValues,
    query_frontend: RoleValues,
    backend_scheduler: BackendScheduler,
    backend_worker: RoleValues,
}

/// Settings of every Tempo pod (not memcached's, which `global` would reach).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Defaults {
    extra_args: Vec<&'static str>,
    extra_env: Vec<EnvVar>,
}

#[derive(Serialize)]
struct Storage {
    trace: TraceStorage,
}

#[derive(Serialize)]
struct TraceStorage {
    backend: &'static str,
    s3: S3,
}

#[derive(Serialize)]
struct Ingest {
    kafka: KafkaValues,
}

#[derive(Serialize)]
struct KafkaValues {
    address: String,
    topic: String,
    auto_create_topic_default_partitions: u32,
}

#[derive(Serialize)]
struct Traces {
    otlp: OtlpValues,
}

#[derive(Serialize)]
struct OtlpValues {
    grpc: Switch,
    http: Switch,
}

#[derive(Serialize)]
struct Switch {
    enabled: bool,
}

/// One role's workload.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleValues {
    replicas: u32,
    /// With more than one replica: the budget the chart's PodDisruptionBudget gets.
    #[serde(skip_serializing_if = "Option::is_none")]
    max_unavailable: Option<u32>,
    /// Written explicitly: the chart's backend-worker template reads
    /// `podDisruptionBudget.enabled` without a default and fails without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_disruption_budget: Option<Switch>,
    /// For a replicated role: the constraints of its `spread` as YAML text
    /// (the chart passes them through `tpl`), `null` for none. Left out for
    /// one replica, which keeps the chart's defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    topology_spread_constraints: Option<Option<String>>,
    /// For a replicated role `null`, which removes the chart's default
    /// anti-affinity; the spread constraints take its place.
    #[serde(skip_serializing_if = "Option::is_none")]
    affinity: Option<()>,
    #[serde(flatten)]
    placement: PodPlacement,
}

/// The backend scheduler: always one pod (the chart has no `replicas` for it).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackendScheduler {
    #[serde(flatten)]
    placement: PodPlacement,
    config: SchedulerConfig,
}

#[derive(Serialize)]
struct SchedulerConfig {
    provider: Provider,
}

#[derive(Serialize)]
struct Provider {
    compaction: CompactionProvider,
}

#[derive(Serialize)]
struct CompactionProvider {
    compaction: Compaction,
}

#[derive(Serialize)]
struct Compaction {
    block_retention: String,
}

/// The chart's selector labels of one role's pods.
fn selector_labels(role: Role) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), "tempo".to_owned()),
        (
            "app.kubernetes.io/instance".to_owned(),
            TEMPO_RELEASE.to_owned(),
        ),
        (
            "app.kubernetes.io/component".to_owned(),
            role.component().to_owned(),
        ),
    ])
}

fn role(tempo: &Tempo, role: Role) -> RoleValues {
    let (replicas, resources) = tempo_sizing::size(role, tempo);
    let mut placement = PodPlacement::from(&tempo.placement);
    placement.resources = resources;
    let replicated = replicas > 1;
    // A replicated role's spread replaces the chart's defaults: `null` drops
    // its hard anti-affinity by hostname (a role would need as many nodes as
    // replicas) and, for `spread: none`, its soft zone spread.
    let topology = replicated.then(|| {
        let constraints =
            spread_constraints(tempo.placement.spread, replicas, &selector_labels(role));
        (!constraints.is_empty()).then(|| crate::render::yaml(&to_value(&constraints)))
    });
    RoleValues {
        replicas,
        max_unavailable: replicated.then_some(1),
        pod_disruption_budget: replicated.then_some(Switch { enabled: true }),
        topology_spread_constraints: topology,
        affinity: replicated.then_some(()),
        placement,
    }
}

/// Helm values for Tempo in `distributed` mode; validation has made sure the
/// profile has `kafka` and an object store.
pub fn values(tempo: &Tempo, store: &ObjectStore, kafka: &Kafka) -> Value {
    to_value(&Values {
        defaults: Defaults {
            // The S3 keys below are expanded from the environment, filled from the Secret.
            extra_args: vec!["-config.expand-env=true"],
            extra_env: secret_env(store),
        },
        storage: Storage {
            trace: TraceStorage {
                backend: "s3",
                s3: S3::of(store),
            },
        },
        ingest: Ingest {
            kafka: KafkaValues {
                address: kafka.address.clone(),
                topic: kafka.topic.clone(),
                auto_create_topic_default_partitions: kafka.partitions,
            },
        },
        traces: Traces {
            otlp: OtlpValues {
                grpc: Switch {
                    enabled: tempo.otlp.grpc,
                },
                http: Switch {
                    enabled: tempo.otlp.http,
                },
            },
        },
        distributor: role(tempo, Role::Distributor),
        block_builder: role(tempo, Role::BlockBuilder),
        live_store: role(tempo, Role::LiveStore),
        querier: role(tempo, Role::Querier),
        query_frontend: role(tempo, Role::QueryFrontend),
        backend_scheduler: BackendScheduler {
            placement: PodPlacement {
                resources: tempo_sizing::size(Role::BackendScheduler, tempo).1,
                ..PodPlacement::from(&tempo.placement)
            },
            config: SchedulerConfig {
                provider: Provider {
                    compaction: CompactionProvider {
                        compaction: Compaction {
                            // Tempo parses Go durations, whose largest unit is the hour.
                            block_retention: tempo.retention.go(),
                        },
                    },
                },
            },
        },
        backend_worker: role(tempo, Role::BackendWorker),
    })
}
