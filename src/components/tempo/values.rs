//! Values for the `tempo` chart (monolithic).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{EnvVar, PodSecurityContext};
use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::values::{owner_security_context, secret_env};
use crate::model::{ObjectStore, ObjectStoreKind, Quantity, Storage, Tempo};
use crate::resolve::placement::PodPlacement;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TempoValues {
    replicas: u32,
    tempo: TempoSettings,
    persistence: Persistence,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_context: Option<PodSecurityContext>,
    #[serde(flatten)]
    placement: PodPlacement,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TempoSettings {
    retention: String,
    storage: TempoStorage,
    receivers: Receivers,
    /// Flag name to value; the chart renders `-name=value`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extra_args: BTreeMap<&'static str, bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<crate::model::Resources>,
}

#[derive(Serialize)]
struct TempoStorage {
    trace: TraceStorage,
}

#[derive(Serialize)]
struct TraceStorage {
    backend: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    local: Option<PathSetting>,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3: Option<S3>,
    wal: PathSetting,
}

#[derive(Serialize)]
struct PathSetting {
    path: &'static str,
}

/// Tempo's `storage.trace.s3`, the same in the monolithic and the distributed chart:
/// the credentials are expanded from the environment (`-config.expand-env=true`).
#[derive(Serialize)]
pub(super) struct S3 {
    bucket: String,
    endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    access_key: &'static str,
    secret_key: &'static str,
    insecure: bool,
    forcepathstyle: bool,
}

impl S3 {
    /// The settings for `store`.
    pub(super) fn of(store: &ObjectStore) -> Self {
        S3 {
            bucket: store.bucket.clone(),
            endpoint: store.endpoint.clone(),
            region: store.region.clone(),
            access_key: "${AWS_ACCESS_KEY_ID}",
            secret_key: "${AWS_SECRET_ACCESS_KEY}",
            insecure: store.insecure,
            forcepathstyle: store.kind == ObjectStoreKind::Minio,
        }
    }
}

/// The OTLP receivers Tempo opens. The chart's Jaeger receivers stay as they are:
/// its templates read `receivers.jaeger.protocols.*` unconditionally, so removing
/// them (`jaeger: null`) makes the chart fail to render, and an empty protocol
/// list makes Tempo refuse to start.
#[derive(Serialize)]
struct Receivers {
    otlp: OtlpReceiver,
}

#[derive(Serialize)]
struct OtlpReceiver {
    protocols: OtlpProtocols,
}

#[derive(Serialize)]
struct OtlpProtocols {
    #[serde(skip_serializing_if = "Option::is_none")]
    grpc: Option<Endpoint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<Endpoint>,
}

#[derive(Serialize)]
struct Endpoint {
    endpoint: &'static str,
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
    storage_class_name: Option<String>,
    access_modes: Vec<&'static str>,
}

impl Persistence {
    fn new(size: Option<&Quantity>, storage_class: Option<&str>) -> Self {
        Persistence {
            enabled: size.is_some(),
            enable_stateful_set_auto_delete_pvc: false,
            size: size.map(ToString::to_string),
            storage_class_name: storage_class.map(str::to_owned),
            access_modes: vec!["ReadWriteOnce"],
        }
    }
}

/// Helm values for Tempo.
pub fn values(tempo: &Tempo) -> Value {
    let wal = PathSetting {
        path: "/var/tempo/wal",
    };
    let local = || {
        Some(PathSetting {
            path: "/var/tempo/traces",
        })
    };
    let (trace, persistence, extra_env, security_context) = match &tempo.storage {
        Storage::HostPath(volume) => (
            TraceStorage {
                backend: "local",
                local: local(),
                s3: None,
                wal,
            },
            Persistence::new(Some(&volume.size), Some(&volume.storage_class)),
            Vec::new(),
            volume.owner_uid.map(owner_security_context),
        ),
        Storage::Claim(claim) => (
            TraceStorage {
                backend: "local",
                local: local(),
                s3: None,
                wal,
            },
            Persistence::new(Some(&claim.size), claim.storage_class.as_deref()),
            Vec::new(),
            None,
        ),
        Storage::ObjectStore(store) => (
            TraceStorage {
                backend: "s3",
                local: None,
                s3: Some(S3::of(store)),
                wal,
            },
            Persistence::new(None, None),
            secret_env(store),
            None,
        ),
    };
    let expand_env = if extra_env.is_empty() {
        BTreeMap::new()
    } else {
        BTreeMap::from([("config.expand-env", true)])
    };
    let mut placement = PodPlacement::from(&tempo.placement);
    // The chart takes resources under `tempo:`, not at the top level.
    let resources = placement.resources.take();
    to_value(&TempoValues {
        replicas: 1,
        tempo: TempoSettings {
            // Tempo parses Go durations, whose largest unit is the hour.
            retention: tempo.retention.go(),
            storage: TempoStorage { trace },
            receivers: Receivers {
                otlp: OtlpReceiver {
                    protocols: OtlpProtocols {
                        grpc: tempo.otlp.grpc.then_some(Endpoint {
                            endpoint: "0.0.0.0:4317",
                        }),
                        http: tempo.otlp.http.then_some(Endpoint {
                            endpoint: "0.0.0.0:4318",
                        }),
                    },
                },
            },
            extra_args: expand_env,
            extra_env,
            resources,
        },
        persistence,
        security_context,
        placement,
    })
}
