//! Values for `kube-prometheus-stack`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::compile::document::to_value;
use crate::compile::values::Disabled;
use crate::components::grafana::values as grafana;
use crate::model::{
    LongTermStorage, PrometheusStack, Quantity, RemoteWriteTarget, SecretKeyRef, Spread, Storage,
};
use crate::resolve::placement::{PodPlacement, spread_constraints};
use crate::resolve::stack::{Stack, kps_fullname};
use k8s_openapi::api::core::v1::{SecretKeySelector, TopologySpreadConstraint};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StackValues {
    prometheus: Prometheus,
    alertmanager: Alertmanager,
    kube_state_metrics: Toggle,
    node_exporter: Toggle,
    kubelet: Kubelet,
    grafana: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kubelet {
    service_monitor: KubeletMonitor,
}

/// Which endpoints the chart's kubelet ServiceMonitor scrapes. Each node source
/// has one owner: the stack's Alloy when the profile has it scrape the source,
/// this ServiceMonitor otherwise (two owners would double every series).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KubeletMonitor {
    kubelet: bool,
    #[serde(rename = "cAdvisor")]
    cadvisor: bool,
}

#[derive(Serialize)]
struct Toggle {
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Alertmanager {
    enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_disruption_budget: Option<DisruptionBudget>,
    alertmanager_spec: AlertmanagerSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AlertmanagerSpec {
    replicas: u32,
    #[serde(flatten)]
    spread: SpreadValues,
}

/// How the operator's pods are spread: o11yc's topology spread constraints
/// in place of the chart's preferred anti-affinity (`podAntiAffinity: ""`
/// turns that off), so one mechanism is in force and the render check can
/// see it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpreadValues {
    pod_anti_affinity: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    topology_spread_constraints: Vec<TopologySpreadConstraint>,
}

impl SpreadValues {
    fn new(spread: Spread, replicas: u32, labels: BTreeMap<String, String>) -> Self {
        SpreadValues {
            pod_anti_affinity: "",
            topology_spread_constraints: spread_constraints(spread, replicas, &labels),
        }
    }
}

/// The chart's PodDisruptionBudget for Prometheus or Alertmanager, written
/// for more than one replica: one pod may be evicted at a time.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DisruptionBudget {
    enabled: bool,
    min_available: u32,
}

fn disruption_budget(replicas: u32) -> Option<DisruptionBudget> {
    (replicas > 1).then(|| DisruptionBudget {
        enabled: true,
        min_available: replicas - 1,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Prometheus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_disruption_budget: Option<DisruptionBudget>,
    prometheus_spec: PrometheusSpec,
}

/// The Prometheus CRD's `thanos` section: the sidecar and where it uploads.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Thanos {
    object_storage_config: ObjectStorageConfig,
}

/// The chart turns `existingSecret` into the CRD's `objectStorageConfig`
/// Secret reference (it ignores a bare `name`/`key`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectStorageConfig {
    existing_secret: SecretKeySelector,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RemoteWrite {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    basic_auth: Option<BasicAuth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization: Option<Authorization>,
}

/// The operator's `BasicAuth`: both parts from Secret keys.
#[derive(Serialize)]
struct BasicAuth {
    username: SecretKeySelector,
    password: SecretKeySelector,
}

/// The operator's `SafeAuthorization` (its `bearerToken` field is deprecated).
#[derive(Serialize)]
struct Authorization {
    #[serde(rename = "type")]
    kind: &'static str,
    credentials: SecretKeySelector,
}

fn selector_of(secret: &SecretKeyRef) -> SecretKeySelector {
    SecretKeySelector {
        name: secret.name.clone(),
        key: secret.key.clone(),
        optional: None,
    }
}

impl RemoteWrite {
    fn new(target: &RemoteWriteTarget) -> Self {
        RemoteWrite {
            url: target.url.clone(),
            basic_auth: target.basic_auth.as_ref().map(|b| BasicAuth {
                username: selector_of(&b.username),
                password: selector_of(&b.password),
            }),
            authorization: target.bearer_token.as_ref().map(|t| Authorization {
                kind: "Bearer",
                credentials: selector_of(t),
            }),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrometheusSpec {
    replicas: u32,
    /// The external label that tells the replicas of an HA pair apart (the
    /// operator's default, written out so queries and dedup can rely on it).
    replica_external_label_name: &'static str,
    retention: String,
    scrape_interval: String,
    external_labels: BTreeMap<&'static str, String>,
    enable_remote_write_receiver: bool,
    service_monitor_selector: Selector,
    pod_monitor_selector: Selector,
    rule_selector: Selector,
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_spec: Option<StorageSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thanos: Option<Thanos>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remote_write: Vec<RemoteWrite>,
    #[serde(flatten)]
    spread: SpreadValues,
    #[serde(flatten)]
    placement: PodPlacement,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Selector {
    match_labels: BTreeMap<String, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StorageSpec {
    volume_claim_template: ClaimTemplate,
}

#[derive(Serialize)]
struct ClaimTemplate {
    spec: ClaimSpec,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ClaimSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    storage_class_name: Option<String>,
    access_modes: Vec<&'static str>,
    resources: ClaimResources,
}

#[derive(Serialize)]
struct ClaimResources {
    requests: BTreeMap<&'static str, String>,
}

fn storage_spec(size: &Quantity, storage_class: Option<&str>) -> StorageSpec {
    StorageSpec {
        volume_claim_template: ClaimTemplate {
            spec: ClaimSpec {
                storage_class_name: storage_class.map(str::to_owned),
                access_modes: vec!["ReadWriteOnce"],
                resources: ClaimResources {
                    requests: BTreeMap::from([("storage", size.to_string())]),
                },
            },
        },
    }
}

/// Labels the Prometheus Operator gives every Prometheus pod of the chart's
/// Prometheus (`<fullname>-prometheus`); the chart's budget selects the same.
pub fn prometheus_pod_labels(fullname: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), "prometheus".to_owned()),
        (
            "operator.prometheus.io/name".to_owned(),
            format!("{fullname}-prometheus"),
        ),
    ])
}

/// Labels the operator gives every Alertmanager pod of the chart's Alertmanager.
pub fn alertmanager_pod_labels(fullname: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "alertmanager".to_owned(),
            format!("{fullname}-alertmanager"),
        ),
        (
            "app.kubernetes.io/name".to_owned(),
            "alertmanager".to_owned(),
        ),
    ])
}

/// Helm values for kube-prometheus-stack, including its Grafana section.
pub fn values(stack: &Stack, kps: &PrometheusStack) -> Value {
    let selector = || Selector {
        match_labels: kps.selector_labels(),
    };
    let storage = match &kps.storage {
        Some(Storage::HostPath(volume)) => {
            Some(storage_spec(&volume.size, Some(&volume.storage_class)))
        }
        Some(Storage::Claim(claim)) => {
            Some(storage_spec(&claim.size, claim.storage_class.as_deref()))
        }
        // Rejected by validation: Prometheus keeps its TSDB on a volume.
        Some(Storage::ObjectStore(_)) | None => None,
    };
    let alloy_metrics = stack.alloy().map(|a| &a.metrics);
    let grafana = match stack.grafana() {
        Some(g) if stack.standalone_grafana().is_none() => grafana::values(stack, g),
        _ => to_value(&Disabled::new()),
    };
    let fullname = kps_fullname(&kps.release_name);
    let spread = kps.placement.spread;
    to_value(&StackValues {
        prometheus: Prometheus {
            pod_disruption_budget: disruption_budget(kps.replicas),
            prometheus_spec: PrometheusSpec {
                replicas: kps.replicas,
                replica_external_label_name: "prometheus_replica",
                retention: kps.retention.prometheus(),
                scrape_interval: kps.scrape_interval.prometheus(),
                external_labels: BTreeMap::from([("cluster", stack.profile.cluster.name.clone())]),
                enable_remote_write_receiver: kps.remote_write_receiver,
                service_monitor_selector: selector(),
                pod_monitor_selector: selector(),
                rule_selector: selector(),
                storage_spec: storage,
                thanos: match &kps.long_term_storage {
                    Some(LongTermStorage::Thanos(t)) => Some(Thanos {
                        object_storage_config: ObjectStorageConfig {
                            existing_secret: SecretKeySelector {
                                name: t.object_store_secret.name.clone(),
                                key: t.object_store_secret.key.clone(),
                                optional: None,
                            },
                        },
                    }),
                    _ => None,
                },
                remote_write: match &kps.long_term_storage {
                    Some(LongTermStorage::RemoteWrite(w)) => {
                        vec![RemoteWrite::new(w)]
                    }
                    _ => Vec::new(),
                },
                spread: SpreadValues::new(spread, kps.replicas, prometheus_pod_labels(&fullname)),
                placement: PodPlacement::from(&kps.placement),
            },
        },
        alertmanager: Alertmanager {
            enabled: kps.alertmanager.enabled,
            pod_disruption_budget: disruption_budget(kps.alertmanager.replicas),
            alertmanager_spec: AlertmanagerSpec {
                replicas: kps.alertmanager.replicas,
                spread: SpreadValues::new(
                    spread,
                    kps.alertmanager.replicas,
                    alertmanager_pod_labels(&fullname),
                ),
            },
        },
        kube_state_metrics: Toggle {
            enabled: kps.kube_state_metrics.enabled,
        },
        node_exporter: Toggle {
            enabled: kps.node_exporter.enabled,
        },
        kubelet: Kubelet {
            service_monitor: KubeletMonitor {
                kubelet: !alloy_metrics.is_some_and(|m| m.kubelet),
                cadvisor: !alloy_metrics.is_some_and(|m| m.cadvisor),
            },
        },
        grafana,
    })
}
