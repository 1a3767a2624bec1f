//! Values for the `tempo-distributed` chart: Tempo 3's microservices, writing
//! through Kafka to an object store, each role sized by [`tempo_sizing`].

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, EnvVar, PodAffinityTerm, PodAntiAffinity, TopologySpreadConstraint,
    WeightedPodAffinityTerm,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::values::secret_env;
use crate::model::{Kafka, ObjectStore, ObjectStoreKind, Tempo};
use crate::resolve::placement::PodPlacement;
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
struct S3 {
    bucket: String,
    endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    access_key: &'static str,
    secret_key: &'static str,
    insecure: bool,
    forcepathstyle: bool,
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
    /// The chart passes these two through `tpl`, so they are YAML text.
    #[serde(skip_serializing_if = "Option::is_none")]
    topology_spread_constraints: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    affinity: Option<String>,
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

/// Spread a replicated role's pods: at most one more per zone and per node
/// than elsewhere, and prefer nodes without a pod of the role. All soft
/// (`ScheduleAnyway`, preferred), so a cluster with fewer nodes than replicas
/// still schedules every pod; the PodDisruptionBudget keeps drains safe.
fn spread(labels: &BTreeMap<String, String>) -> (Vec<TopologySpreadConstraint>, Affinity) {
    let selector = || LabelSelector {
        match_labels: Some(labels.clone()),
        match_expressions: None,
    };
    let constraint = |key: &str| TopologySpreadConstraint {
        max_skew: 1,
        topology_key: key.to_owned(),
        when_unsatisfiable: "ScheduleAnyway".to_owned(),
        label_selector: Some(selector()),
        ..TopologySpreadConstraint::default()
    };
    let affinity = Affinity {
        pod_anti_affinity: Some(PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: PodAffinityTerm {
                        label_selector: Some(selector()),
                        topology_key: "kubernetes.io/hostname".to_owned(),
                        ..PodAffinityTerm::default()
                    },
                },
            ]),
            required_during_scheduling_ignored_during_execution: None,
        }),
        ..Affinity::default()
    };
    (
        vec![
            constraint("topology.kubernetes.io/zone"),
            constraint("kubernetes.io/hostname"),
        ],
        affinity,
    )
}

fn role(tempo: &Tempo, role: Role) -> RoleValues {
    let (replicas, resources) = tempo_sizing::size(role, tempo);
    let mut placement = PodPlacement::from(&tempo.placement);
    placement.resources = resources;
    let replicated = replicas > 1;
    let (topology, affinity) = if replicated {
        let (t, a) = spread(&selector_labels(role));
        (
            Some(crate::render::yaml(&to_value(&t))),
            Some(crate::render::yaml(&to_value(&a))),
        )
    } else {
        (None, None)
    };
    RoleValues {
        replicas,
        max_unavailable: replicated.then_some(1),
        pod_disruption_budget: replicated.then_some(Switch { enabled: true }),
        topology_spread_constraints: topology,
        affinity,
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
                s3: S3 {
                    bucket: store.bucket.clone(),
                    endpoint: store.endpoint.clone(),
                    region: store.region.clone(),
                    access_key: "${AWS_ACCESS_KEY_ID}",
                    secret_key: "${AWS_SECRET_ACCESS_KEY}",
                    insecure: store.insecure,
                    forcepathstyle: store.kind == ObjectStoreKind::Minio,
                },
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
